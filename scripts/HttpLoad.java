import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A closed-loop HTTP load for scripts/cpu-per-request.sh: CONNECTIONS keep-alive HTTP/1.1 clients,
 * each sending GET URL with a bearer token, the next request as soon as the last answered, for
 * SECONDS. Prints one line: requests, req/s, p50 and p99 (exact, from every sample) and the number
 * of answers that were not 200: {@code java scripts/HttpLoad.java URL TOKEN CONNECTIONS SECONDS}
 * (the script compiles it first, so that javac's CPU is not counted).
 */
public final class HttpLoad {
    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: java scripts/HttpLoad.java URL TOKEN CONNECTIONS SECONDS");
            System.exit(2);
        }
        URI url = URI.create(args[0]);
        String token = args[1];
        int connections = Integer.parseInt(args[2]);
        double seconds = Double.parseDouble(args[3]);
        long stop = System.nanoTime() + (long) (seconds * 1e9);
        AtomicLong failures = new AtomicLong();
        List<long[]> samples = new ArrayList<>();
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            clients.add(Thread.ofPlatform().start(() -> {
                // One client each: its own connection, kept alive.
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                HttpRequest request = HttpRequest.newBuilder(url).header("Authorization", "Bearer " + token).build();
                long[] mine = new long[1 << 16];
                int n = 0;
                while (System.nanoTime() < stop) {
                    long start = System.nanoTime();
                    try {
                        if (client.send(request, HttpResponse.BodyHandlers.ofByteArray()).statusCode() != 200) {
                            failures.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failures.incrementAndGet();
                    }
                    if (n == mine.length) {
                        mine = Arrays.copyOf(mine, n * 2);
                    }
                    mine[n++] = System.nanoTime() - start;
                }
                synchronized (samples) {
                    samples.add(Arrays.copyOf(mine, n));
                }
            }));
        }
        for (Thread client : clients) {
            client.join();
        }
        long[] all = samples.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        if (all.length == 0) {
            System.out.println("requests 0");
            System.exit(1);
        }
        System.out.printf(
                "requests %d req/s %.0f p50_ms %.2f p99_ms %.2f not_200 %d%n",
                all.length,
                all.length / seconds,
                all[all.length / 2] / 1e6,
                all[(int) Math.min(all.length - 1, Math.ceil(all.length * 0.99) - 1)] / 1e6,
                failures.get());
    }
}
