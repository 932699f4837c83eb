package social.nova.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every service serves gRPC server reflection, as generic tools (grpcurl, Postman, Kreya) use it:
 * it lists its services, and for each of Nova's it hands out the file descriptor that declares it,
 * methods included. Asked from this machine, over the port the stack publishes.
 */
@ExtendWith(NovaStackExtension.class)
@Order(2)
class ReflectionIT {
    @Test
    void everyServiceListsItsServicesAndServesTheirDescriptors(NovaStack stack) throws Exception {
        for (ServiceSpec spec : stack.fleet().services()) {
            ServiceInstance instance = stack.instances(spec.name()).getFirst();
            ManagedChannel channel = ManagedChannelBuilder.forTarget(instance.hostTarget())
                    .usePlaintext()
                    .build();
            try {
                List<String> services = ask(
                                channel,
                                ServerReflectionRequest.newBuilder()
                                        .setListServices("*")
                                        .build())
                        .getListServicesResponse()
                        .getServiceList()
                        .stream()
                        .map(ServiceResponse::getName)
                        .toList();
                assertThat(services)
                        .as("services of %s", spec.name())
                        .contains("grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection");
                for (String service : services.stream()
                        .filter(name -> name.startsWith("nova."))
                        .toList()) {
                    ServerReflectionResponse file = ask(
                            channel,
                            ServerReflectionRequest.newBuilder()
                                    .setFileContainingSymbol(service)
                                    .build());
                    assertThat(file.hasErrorResponse())
                            .as("%s: %s", service, file.getErrorResponse().getErrorMessage())
                            .isFalse();
                    List<String> declared = new ArrayList<>();
                    for (var bytes : file.getFileDescriptorResponse().getFileDescriptorProtoList()) {
                        FileDescriptorProto proto = FileDescriptorProto.parseFrom(bytes);
                        for (ServiceDescriptorProto declaredService : proto.getServiceList()) {
                            declared.add(proto.getPackage() + "." + declaredService.getName());
                            if (service.equals(proto.getPackage() + "." + declaredService.getName())) {
                                assertThat(declaredService.getMethodList())
                                        .as("methods of %s", service)
                                        .isNotEmpty();
                            }
                        }
                    }
                    assertThat(declared)
                            .as("descriptors %s hands out for %s", spec.name(), service)
                            .contains(service);
                }
                if (!"api-gateway".equals(spec.name())) {
                    assertThat(services)
                            .as("%s serves its own API", spec.name())
                            .anyMatch(name -> name.startsWith("nova.") && name.endsWith("Service"));
                }
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    /** One request on the bidirectional reflection stream, and its answer. */
    private static ServerReflectionResponse ask(ManagedChannel channel, ServerReflectionRequest request)
            throws Exception {
        CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse response) {
                        answer.complete(response);
                    }

                    @Override
                    public void onError(Throwable t) {
                        answer.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        answer.completeExceptionally(new IllegalStateException("the stream ended without an answer"));
                    }
                });
        requests.onNext(request);
        try {
            return answer.get(15, TimeUnit.SECONDS);
        } finally {
            requests.onCompleted();
        }
    }
}
