package io.taclog.sink.dialect;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Types;

/**
 * A PostgreSQL connection that takes the SQL the SQLite back end takes: statements are prepared from
 * {@link PostgresSql#translate} (numbered parameters), a numbered parameter's value is bound at every position it
 * stands at, and a boolean bound to a parameter is bound as 0/1 (the schema keeps SQLite's 0/1 integers, so the
 * shared SQL compares with {@code = 1}). Everything else goes to the driver unchanged.
 */
public final class PostgresConnections {

    /** At DEBUG, a refused statement's SQL (the server's message says only where in it). */
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PostgresConnections.class);

    private PostgresConnections() {
    }

    public static Connection wrap(Connection c) {
        return (Connection) Proxy.newProxyInstance(PostgresConnections.class.getClassLoader(),
                new Class<?>[] {Connection.class}, new ConnectionHandler(c));
    }

    /** The driver's own connection under a wrapped one (or the connection itself). */
    public static Connection unwrap(Connection c) {
        if (Proxy.isProxyClass(c.getClass()) && Proxy.getInvocationHandler(c) instanceof ConnectionHandler h) {
            return h.target;
        }
        return c;
    }

    private static Object call(Object target, Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private record ConnectionHandler(Connection target) implements InvocationHandler {
        @Override
        public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
            String name = m.getName();
            if (name.equals("prepareStatement") && args != null && args[0] instanceof String sql) {
                PostgresSql t = PostgresSql.translate(sql);
                Object[] a = args.clone();
                a[0] = t.sql();
                PreparedStatement ps = (PreparedStatement) call(target, m, a);
                return Proxy.newProxyInstance(PostgresConnections.class.getClassLoader(),
                        new Class<?>[] {PreparedStatement.class}, new PreparedHandler(ps, t));
            }
            if (name.equals("createStatement")) {
                Statement s = (Statement) call(target, m, args);
                return Proxy.newProxyInstance(PostgresConnections.class.getClassLoader(),
                        new Class<?>[] {Statement.class}, new StatementHandler(s));
            }
            return call(target, m, args);
        }
    }

    /** Plain statements: their SQL has no parameters, so it goes as written. */
    private record StatementHandler(Statement target) implements InvocationHandler {
        @Override
        public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
            try {
                return call(target, m, args);
            } catch (java.sql.SQLException e) {
                LOG.debug("PostgreSQL refused {}: {}", args == null ? m.getName() : args[0], e.getMessage());
                throw e;
            }
        }
    }

    private record PreparedHandler(PreparedStatement target, PostgresSql sql) implements InvocationHandler {
        @Override
        public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
            String name = m.getName();
            if (name.startsWith("set") && args != null && args.length >= 2 && args[0] instanceof Integer index) {
                if (name.equals("setBoolean") || name.equals("setObject") && args[1] instanceof Boolean) {
                    return bind(index, i -> target.setInt(i, (Boolean) args[1] ? 1 : 0));
                }
                if (name.equals("setNull") && args[1] instanceof Integer type && type == Types.BOOLEAN) {
                    return bind(index, i -> target.setNull(i, Types.INTEGER));
                }
                return bind(index, i -> {
                    Object[] a = args.clone();
                    a[0] = i;
                    call(target, m, a);
                });
            }
            try {
                return call(target, m, args);
            } catch (java.sql.SQLException e) {
                LOG.debug("PostgreSQL refused {}: {}", sql.sql(), e.getMessage());
                throw e;
            }
        }

        private Object bind(int index, Binder b) throws Throwable {
            int[] at = sql.positions(index);
            if (at == null) {
                b.bind(index);
            } else {
                for (int i : at) {
                    b.bind(i);
                }
            }
            return null;
        }
    }

    @FunctionalInterface
    private interface Binder {
        void bind(int position) throws Throwable;
    }
}
