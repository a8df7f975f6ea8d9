package io.taclog.camel;

import io.taclog.source.TailOptions;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.ScheduledPollEndpoint;

/**
 * Endpoint {@code jsonl-tail:<kind>?paths=...&include=...&exclude=...&delay=...}. Options not given in
 * the URI come from the taclog configuration; {@code delay} is the poll interval (the time bound of a
 * batch).
 */
public final class TailEndpoint extends ScheduledPollEndpoint {

    private final String kind;
    private final TailOptions defaults;
    private String paths = "";
    private String include;
    private String exclude;
    private Boolean recursive;

    TailEndpoint(String uri, TailComponent component, String kind, TailOptions defaults) {
        super(uri, component);
        this.kind = kind;
        this.defaults = defaults;
    }

    @Override
    public Producer createProducer() {
        throw new UnsupportedOperationException("jsonl-tail is a consumer only");
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        TailConsumer consumer = new TailConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    /** The effective tail options: configuration defaults overridden by URI options. */
    TailOptions options() {
        List<Path> roots = split(paths).stream().map(Path::of).toList();
        return new TailOptions(kind, roots, include == null ? defaults.include() : split(include),
                exclude == null ? defaults.exclude() : split(exclude),
                recursive == null ? defaults.recursive() : recursive, defaults.maxLineBytes(),
                defaults.batchMaxLines(), defaults.batchMaxBytes(), defaults.maxOpenFiles(), defaults.scanInterval(),
                defaults.rotateWait(), defaults.idleClose(), defaults.holeGrace(), defaults.oneShot(),
                defaults.fullScanInterval());
    }

    private static List<String> split(String s) {
        return s == null || s.isBlank() ? List.of()
                : Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
    }

    TailComponent tailComponent() {
        return (TailComponent) getComponent();
    }

    public String getKind() {
        return kind;
    }

    public String getPaths() {
        return paths;
    }

    /** Comma-separated directories or files to follow. */
    public void setPaths(String paths) {
        this.paths = paths == null ? "" : paths;
    }

    public String getInclude() {
        return include;
    }

    public void setInclude(String include) {
        this.include = include;
    }

    public String getExclude() {
        return exclude;
    }

    public void setExclude(String exclude) {
        this.exclude = exclude;
    }

    public Boolean getRecursive() {
        return recursive;
    }

    public void setRecursive(Boolean recursive) {
        this.recursive = recursive;
    }
}
