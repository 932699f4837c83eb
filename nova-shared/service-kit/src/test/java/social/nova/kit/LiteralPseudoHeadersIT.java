package social.nova.kit;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * gRPC C-core (Python, C++, Ruby, C#, PHP clients) sends {@code :path} and {@code :authority} as
 * HPACK literals with a new name, which RFC 7541 allows and Helidon 4.5.0 refused with GOAWAY
 * PROTOCOL_ERROR. These requests are written frame by frame, as such a client writes them.
 */
class LiteralPseudoHeadersIT {
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADERS = 0x1;
    private static final int SETTINGS = 0x4;
    private static final int GOAWAY = 0x7;
    private static final int END_STREAM = 0x1;
    private static final int END_HEADERS = 0x4;

    private final KitFixture service = KitFixture.shared();

    @Test
    void aRequestWhosePseudoHeaderNamesAreLiteralsIsServed() throws IOException {
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        literal(block, ":method", "GET");
        literal(block, ":scheme", "http");
        literal(block, ":path", "/observe/health/live");
        literal(block, ":authority", service.host + ":" + service.port);

        assertThat(firstAnswerTo(block.toByteArray())).isEqualTo("HEADERS on stream 1");
    }

    @Test
    void aPseudoHeaderRfc9113DoesNotDefineIsStillRefused() throws IOException {
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        literal(block, ":method", "GET");
        literal(block, ":scheme", "http");
        literal(block, ":path", "/observe/health/live");
        literal(block, ":nonsense", "x");

        assertThat(firstAnswerTo(block.toByteArray())).startsWith("GOAWAY");
    }

    /** Sends one GET as stream 1 and names the first frame the server sends back other than SETTINGS. */
    private String firstAnswerTo(byte[] headerBlock) throws IOException {
        try (Socket socket = new Socket(service.host, service.port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(PREFACE);
            frame(out, SETTINGS, 0, 0, new byte[0]);
            frame(out, HEADERS, END_HEADERS | END_STREAM, 1, headerBlock);
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            while (true) {
                int length = (in.readUnsignedByte() << 16) | in.readUnsignedShort();
                int type = in.readUnsignedByte();
                in.readUnsignedByte();
                int stream = in.readInt() & 0x7fffffff;
                byte[] payload = in.readNBytes(length);
                if (type == GOAWAY) {
                    return "GOAWAY " + new String(payload, 8, payload.length - 8, StandardCharsets.UTF_8);
                }
                if (type == HEADERS) {
                    return "HEADERS on stream " + stream;
                }
            }
        }
    }

    /** RFC 7541 6.2.2: literal header field without indexing, new name, no Huffman coding. */
    private static void literal(ByteArrayOutputStream block, String name, String value) {
        block.write(0x00);
        string(block, name);
        string(block, value);
    }

    private static void string(ByteArrayOutputStream block, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        assertThat(bytes.length).as("fits a 7-bit length prefix").isLessThan(127);
        block.write(bytes.length);
        block.writeBytes(bytes);
    }

    private static void frame(OutputStream out, int type, int flags, int stream, byte[] payload) throws IOException {
        out.write(new byte[] {
            (byte) (payload.length >>> 16),
            (byte) (payload.length >>> 8),
            (byte) payload.length,
            (byte) type,
            (byte) flags,
            (byte) (stream >>> 24),
            (byte) (stream >>> 16),
            (byte) (stream >>> 8),
            (byte) stream
        });
        out.write(payload);
    }
}
