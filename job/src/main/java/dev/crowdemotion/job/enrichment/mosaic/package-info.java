/**
 * Mosaic batching for Amazon Rekognition {@code DetectFaces}: DetectFaces analyses up to 100
 * faces in one image and is priced per image, so instead of one call per face crop,
 * {@link dev.crowdemotion.job.enrichment.mosaic.MosaicPacker} packs up to K crops into one grid
 * JPEG ({@link dev.crowdemotion.job.enrichment.mosaic.Mosaic}), one call analyses it, and
 * {@link dev.crowdemotion.job.enrichment.mosaic.MosaicUnpacker} (or {@code Mosaic.assign}) assigns
 * each returned FaceDetail to its crop by bounding-box centre, with an explicit
 * {@link dev.crowdemotion.job.enrichment.mosaic.TileOutcome} per crop (kind ONE, SEVERAL or NONE).
 *
 * <p>Units: rectangles of a mosaic ({@link dev.crowdemotion.job.enrichment.mosaic.PixelRect}) are
 * whole pixels of the mosaic image; Rekognition's {@code BoundingBox} values are ratios (0..1) of
 * the image's width and height. Rekognition's limits and their sources:
 * {@link dev.crowdemotion.job.enrichment.mosaic.RekognitionLimits}.
 *
 * <p>Caveat on the measurements behind the defaults: they were taken against the local
 * DetectFaces stand-in ({@code local-stack}: BlazeFace with tiling, FER2013 emotions), not against
 * Amazon Rekognition, whose detector and emotion model may respond differently to faces in a
 * grid (e.g. find fewer, or rate emotions differently at another resolution). Re-measure with
 * the real service (same test, real endpoint) before relying on the agreement figures.
 */
package dev.crowdemotion.job.enrichment.mosaic;
