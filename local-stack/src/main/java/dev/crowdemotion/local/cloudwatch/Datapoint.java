package dev.crowdemotion.local.cloudwatch;

/**
 * One datapoint the CloudWatch stand-in accepted.
 *
 * @param timestampMs the datum's {@code Timestamp} (the arrival time when it had none), epoch ms UTC
 * @param value the datum's {@code Value}; for a {@code Values}/{@code Counts} datum one point per
 *     value; for {@code StatisticValues} the mean {@code Sum / SampleCount}
 * @param count how many samples the point stands for: 1 for {@code Value}, the matching
 *     {@code Counts} entry, or {@code SampleCount}
 * @param unit the datum's {@code Unit}, {@code None} when absent
 */
public record Datapoint(long timestampMs, double value, double count, String unit) {}
