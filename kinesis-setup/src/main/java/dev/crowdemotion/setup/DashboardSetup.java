package dev.crowdemotion.setup;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.DashboardNotFoundErrorException;
import software.amazon.awssdk.services.cloudwatch.model.DashboardValidationMessage;

import java.util.List;
import java.util.Objects;

/**
 * Creates, replaces and deletes a CloudWatch dashboard ({@code PutDashboard},
 * {@code ListDashboards}, {@code DeleteDashboards}), on AWS or the local CloudWatch stand-in; the
 * client comes from outside.
 */
public final class DashboardSetup {
    private static final Logger LOG = LoggerFactory.getLogger(DashboardSetup.class);

    private final CloudWatchClient cloudWatch;

    /** @param cloudWatch the client to use (not closed here) */
    public DashboardSetup(CloudWatchClient cloudWatch) {
        this.cloudWatch = Objects.requireNonNull(cloudWatch, "cloudWatch");
    }

    /** The region the client talks to: the region the dashboard's widgets should read from. */
    public String region() {
        return cloudWatch.serviceClientConfiguration().region().id();
    }

    /**
     * Puts the dashboard: creates it, or replaces the body of an existing one.
     *
     * @return true if it existed before (and was replaced)
     * @throws software.amazon.awssdk.services.cloudwatch.model.DashboardInvalidInputErrorException if CloudWatch refuses the body
     */
    public boolean put(String name, String body) {
        boolean existed = exists(name);
        List<DashboardValidationMessage> warnings = cloudWatch.putDashboard(r -> r.dashboardName(name).dashboardBody(body))
                .dashboardValidationMessages();
        for (DashboardValidationMessage m : warnings) {
            LOG.warn("dashboard {}: {} {}", name, m.dataPath(), m.message());
        }
        LOG.info("{} CloudWatch dashboard {} ({} bytes)", existed ? "Replaced" : "Created", name, body.length());
        return existed;
    }

    /** Whether a dashboard of exactly this name exists. */
    public boolean exists(String name) {
        return cloudWatch.listDashboardsPaginator(r -> r.dashboardNamePrefix(name)).dashboardEntries().stream()
                .anyMatch(e -> e.dashboardName().equals(name));
    }

    /** The body of the dashboard, or null if there is none. */
    public String body(String name) {
        try {
            return cloudWatch.getDashboard(r -> r.dashboardName(name)).dashboardBody();
        } catch (DashboardNotFoundErrorException e) {
            return null;
        }
    }

    /**
     * Deletes the dashboard.
     *
     * @return true if it was deleted, false if there was none
     */
    public boolean delete(String name) {
        try {
            cloudWatch.deleteDashboards(r -> r.dashboardNames(name));
            LOG.info("Deleted CloudWatch dashboard {}", name);
            return true;
        } catch (DashboardNotFoundErrorException e) {
            return false;
        }
    }
}
