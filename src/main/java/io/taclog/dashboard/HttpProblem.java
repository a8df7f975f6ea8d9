package io.taclog.dashboard;

/** A request the dashboard refuses with a status and a message meant for the person who sent it. */
public final class HttpProblem extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;

    public HttpProblem(int status, String message) {
        super(message);
        this.status = status;
    }

    public static HttpProblem badRequest(String message) {
        return new HttpProblem(400, message);
    }

    public static HttpProblem notFound(String message) {
        return new HttpProblem(404, message);
    }

    public int status() {
        return status;
    }
}
