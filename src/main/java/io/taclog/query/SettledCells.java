package io.taclog.query;

import io.taclog.sink.ApiCallCosts;
import io.taclog.sink.ApiCallHours;
import io.taclog.sink.dialect.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Whether a report's window can be summed from the settled cells alone (schema v19): the cells are kept, every
 * worker's shares of its reported cost are up to date, this connection reads the database alone (no archive views)
 * and no call lies in a part of an hour at either end of the window (the cells hold whole hours).
 */
final class SettledCells {

    private SettledCells() {
    }

    static boolean cover(Connection db, HourSpan span) throws SQLException {
        // the cells kept and their shares marked: every trigger there (a bulk load takes them away until it ends)
        if (!span.wholeHours() || archivesAttached(db) || !Dialect.of(db).tableExists(db, ApiCallCosts.DIRTY)
                || Dialect.of(db).triggersPresent(db, ApiCallHours.TRIGGERS) != ApiCallHours.TRIGGERS.size()
                || !ApiCallCosts.settled(db)) {
            return false;
        }
        return (!span.partialFirstHour() || noCells(db, span.firstHourStart()))
                && (!span.partialLastHour() || noCells(db, span.fullUntil()));
    }

    /** With {@code --include-archives} the calls are a view over the archives too, which the cells do not hold. */
    static boolean archivesAttached(Connection db) throws SQLException {
        if (!Dialect.of(db).sqliteOnlyFeatures()) {
            return false; // no archives on PostgreSQL
        }
        try (PreparedStatement ps = db.prepareStatement("SELECT 1 FROM temp.sqlite_master WHERE name = 'api_calls'");
             ResultSet rs = ps.executeQuery()) {
            return rs.next();
        }
    }

    /** No cell (so no call) in the hour that starts at {@code hourStart}. */
    private static boolean noCells(Connection db, String hourStart) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("SELECT 1 FROM main.api_call_hours WHERE hour = ? LIMIT 1")) {
            ps.setString(1, hourStart.substring(0, 13));
            try (ResultSet rs = ps.executeQuery()) {
                return !rs.next();
            }
        }
    }
}
