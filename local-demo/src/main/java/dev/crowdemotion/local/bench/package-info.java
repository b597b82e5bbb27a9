/**
 * A reproducible benchmark of the job's Rekognition enrichment step against the local DetectFaces
 * stand-in (quota, realistic latency), on a Flink mini-cluster in this JVM.
 *
 * <p>{@link dev.crowdemotion.local.bench.RekognitionBench} runs scenarios: a real-time source of
 * real face crops ({@link dev.crowdemotion.local.bench.FaceCropGenerator}, crops cut by
 * {@link dev.crowdemotion.local.bench.BenchCrops} exactly as the job's {@code FaceDetectionFunction}
 * cuts them) feeds the job's own enrichment chain ({@code FaceBatcher} -> async
 * {@code RekognitionEnrichment} -> {@code EnrichmentOutcomes} -> the window aggregation), and
 * {@link dev.crowdemotion.local.bench.BenchRecorder} measures every face's outcome and delay in
 * constant memory. {@link dev.crowdemotion.local.bench.RekognitionBenchReport} turns the results
 * (one JSON line per scenario) into markdown tables. {@code scripts/bench-rekognition.sh} runs the
 * whole thing; {@code docs/benchmarks-rekognition.md} has the method and the results.
 */
package dev.crowdemotion.local.bench;
