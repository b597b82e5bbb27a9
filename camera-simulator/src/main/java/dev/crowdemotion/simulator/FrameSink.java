package dev.crowdemotion.simulator;

import dev.crowdemotion.frame.CameraFrame;

import java.util.List;

/** Where the simulator sends frames: {@link KinesisFrameWriter}, or an in-memory sink in tests. */
public interface FrameSink {
    /**
     * Writes the frames, retrying as it sees fit; never throws for per-record failures.
     *
     * @return what was sent and what finally failed
     */
    WriteResult write(List<CameraFrame> frames);
}
