/**
 * Running the job outside the mini-cluster: a standalone Flink cluster of separate JVM processes
 * built from Flink's own runtime artifacts. The CloudFormation template ({@code
 * deploy/cloudformation/}) and {@code docker-compose.yml} are checked by this module's tests.
 */
package dev.crowdemotion.deploy;
