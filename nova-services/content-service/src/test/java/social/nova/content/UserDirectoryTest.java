package social.nova.content;

import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import social.nova.contracts.user.v1.GetUserRequest;
import social.nova.contracts.user.v1.GetUserResponse;
import social.nova.contracts.user.v1.UserServiceGrpc;
import social.nova.errors.ErrorCode;
import social.nova.errors.NovaException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Which author checks reach user-service. The user-service here is an in-process gRPC stand-in
 * that counts calls (the real one is exercised by ContentServiceIT); time is a fake ticker.
 */
class UserDirectoryTest {
    private static final Duration TTL = Duration.ofSeconds(60);

    private final Set<String> profiles = ConcurrentHashMap.newKeySet();
    private final AtomicInteger calls = new AtomicInteger();
    private volatile Status failWith;
    private final AtomicLong nanos = new AtomicLong();
    private Server server;
    private ManagedChannel channel;
    private UserDirectory directory;

    @BeforeEach
    void start() throws IOException {
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).directExecutor().addService(new UserServiceGrpc.UserServiceImplBase() {
            @Override
            public void getUser(GetUserRequest request, StreamObserver<GetUserResponse> response) {
                calls.incrementAndGet();
                if (failWith != null) {
                    response.onError(failWith.asRuntimeException());
                } else if (!profiles.contains(request.getUserId())) {
                    response.onError(Status.NOT_FOUND.withDescription("no such user").asRuntimeException());
                } else {
                    response.onNext(GetUserResponse.getDefaultInstance());
                    response.onCompleted();
                }
            }
        }).build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        directory = new UserDirectory(UserServiceGrpc.newBlockingStub(channel), TTL, nanos::get);
    }

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void aConfirmedAuthorIsNotAskedAboutAgainWithinTheTtl() {
        UUID author = known();
        directory.requireAuthor(author);
        directory.requireAuthor(author);
        assertThat(calls).hasValue(1);

        nanos.addAndGet(TTL.toNanos() + 1);
        directory.requireAuthor(author);
        assertThat(calls).hasValue(2);
    }

    @Test
    void aConfirmedAuthorKeepsPostingWhileUserServiceIsUnavailableWithinTheTtl() {
        UUID author = known();
        directory.requireAuthor(author);
        failWith = Status.UNAVAILABLE.withDescription("down");

        directory.requireAuthor(author);

        UUID stranger = known();
        assertThatThrownBy(() -> directory.requireAuthor(stranger))
                .isInstanceOfSatisfying(NovaException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
    }

    @Test
    void anUnknownAuthorIsAskedAboutEveryTimeSoANewProfileIsSeenAtOnce() {
        UUID newcomer = UUID.randomUUID();
        assertThatThrownBy(() -> directory.requireAuthor(newcomer))
                .isInstanceOfSatisfying(NovaException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                    assertThat(e.reason()).contains("AUTHOR_UNKNOWN");
                });

        profiles.add(newcomer.toString());
        directory.requireAuthor(newcomer);
        assertThat(calls).hasValue(2);
    }

    @Test
    void aZeroTtlAsksEveryTime() {
        directory = new UserDirectory(UserServiceGrpc.newBlockingStub(channel), Duration.ZERO, nanos::get);
        UUID author = known();
        directory.requireAuthor(author);
        directory.requireAuthor(author);
        assertThat(calls).hasValue(2);
    }

    private UUID known() {
        UUID id = UUID.randomUUID();
        profiles.add(id.toString());
        return id;
    }
}
