package social.nova.content;

import java.io.IOException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The author check against a user-service of the test's own (in process, answering from a map, or
 * down): what content-service remembers and what it never does.
 */
class UserDirectoryTest {
    private final ConcurrentHashMap<String, Status> answers = new ConcurrentHashMap<>();
    private final AtomicInteger calls = new AtomicInteger();
    private Server server;
    private ManagedChannel channel;

    @BeforeEach
    void startUserService() throws IOException {
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name)
                .addService(new UserServiceGrpc.UserServiceImplBase() {
                    @Override
                    public void getUser(GetUserRequest request, StreamObserver<GetUserResponse> response) {
                        calls.incrementAndGet();
                        Status status = answers.getOrDefault(request.getUserId(), Status.NOT_FOUND);
                        if (status.isOk()) {
                            response.onNext(GetUserResponse.getDefaultInstance());
                            response.onCompleted();
                        } else {
                            response.onError(status.asRuntimeException());
                        }
                    }
                })
                .build()
                .start();
        channel = InProcessChannelBuilder.forName(name).build();
    }

    @AfterEach
    void stopUserService() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void aConfirmedAuthorIsAskedForOnceAndStaysConfirmedWhileUserServiceIsDown() {
        UserDirectory directory = directory(Duration.ofMinutes(10));
        UUID author = UUID.randomUUID();
        answers.put(author.toString(), Status.OK);

        directory.requireAuthor(author);
        answers.put(author.toString(), Status.UNAVAILABLE);
        directory.requireAuthor(author);
        directory.requireAuthor(author);

        assertThat(calls).hasValue(1);
    }

    @Test
    void refusalsAreNeverRememberedSoAProfileThatAppearsLaterIsConfirmed() {
        UserDirectory directory = directory(Duration.ofMinutes(10));
        UUID newcomer = UUID.randomUUID();

        NovaException unknown = catchThrowableOfType(NovaException.class, () -> directory.requireAuthor(newcomer));
        assertThat(unknown.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(unknown.reason()).contains("AUTHOR_UNKNOWN");

        answers.put(newcomer.toString(), Status.OK); // the profile was made from UserRegistered meanwhile
        directory.requireAuthor(newcomer);
        assertThat(calls).hasValue(2);
    }

    @Test
    void anUnconfirmedAuthorWhileUserServiceIsDownIsUnavailableNotInternal() {
        UserDirectory directory = directory(Duration.ofMinutes(10));
        UUID author = UUID.randomUUID();
        answers.put(author.toString(), Status.UNAVAILABLE);

        NovaException down = catchThrowableOfType(NovaException.class, () -> directory.requireAuthor(author));

        assertThat(down.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(down.getMessage()).isEqualTo("user-service cannot confirm the author right now; retry later");
        answers.put(author.toString(), Status.OK);
        directory.requireAuthor(author);
        assertThat(calls).hasValue(2);
    }

    @Test
    void aConfirmationExpires() {
        UserDirectory directory = directory(Duration.ZERO);
        UUID author = UUID.randomUUID();
        answers.put(author.toString(), Status.OK);

        directory.requireAuthor(author);
        directory.requireAuthor(author);

        assertThat(calls).hasValue(2);
    }

    private UserDirectory directory(Duration confirmedFor) {
        return new UserDirectory(UserServiceGrpc.newBlockingStub(channel), 1_000, confirmedFor);
    }
}
