package social.nova.harness;

import java.time.Duration;
import java.util.List;

/**
 * What the harness broadcasts to the media server: Debian's ffmpeg publishing a test pattern
 * (640x360 at 25 frames a second and a 440 Hz tone; H.264 and AAC in FLV, as OBS sends it) in real
 * time, with a keyframe every 2 s (the HLS segments' length). The tests' broadcasters and
 * {@code ./nova bench streaming} run the same command.
 */
public final class TestPattern {
    private TestPattern() {}

    /** ffmpeg's arguments to publish the pattern to {@code rtmpUrl} for {@code duration}, then end the stream. */
    public static List<String> ffmpegArguments(String rtmpUrl, Duration duration) {
        return List.of(
                "-hide_banner",
                "-nostats",
                "-loglevel",
                "warning",
                "-re",
                "-f",
                "lavfi",
                "-i",
                "testsrc=size=640x360:rate=25",
                "-f",
                "lavfi",
                "-i",
                "sine=frequency=440",
                "-t",
                Long.toString(Math.max(1, duration.toSeconds())),
                "-c:v",
                "libx264",
                "-preset",
                "veryfast",
                "-tune",
                "zerolatency",
                "-g",
                "50",
                // testsrc is RGB: without this, libx264 writes 4:4:4, which browsers and phones do
                // not play.
                "-pix_fmt",
                "yuv420p",
                "-c:a",
                "aac",
                "-f",
                "flv",
                rtmpUrl);
    }
}
