package dev.crowdemotion.setup;

/** A stream or table that {@link ResourceSetup} made sure exists. Immutable. */
public final class ProvisionedResource {
    private final String name;
    private final String arn;
    private final boolean created;

    public ProvisionedResource(String name, String arn, boolean created) {
        this.name = name;
        this.arn = arn;
        this.created = created;
    }

    /** Stream or table name. */
    public String name() { return name; }
    /** Its ARN. */
    public String arn() { return arn; }
    /** True if this call created it, false if it already existed and was left as it was. */
    public boolean created() { return created; }

    @Override
    public String toString() {
        return (created ? "created " : "existing ") + name + " (" + arn + ")";
    }
}
