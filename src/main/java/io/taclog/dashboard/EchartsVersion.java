package io.taclog.dashboard;

/** The ECharts webjar's version (the path of its bundle in the jar); DashboardAssetsTest checks it against the pom. */
final class EchartsVersion {

    static final String VERSION = "5.3.1";

    private EchartsVersion() {
    }
}
