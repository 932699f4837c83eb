package social.nova.contracts;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.MethodOptions.IdempotencyLevel;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.DescriptorProtos.SourceCodeInfo;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks the rules of the Nova contracts on what the build really produced: the descriptor set
 * with source info (so comments are what downstream teams read) and the generated grpc-java stubs
 * (so every service compiled, with the idempotency the resilient client relies on).
 */
class ContractDocumentationTest {

    private static final String DESCRIPTOR_SET = "/META-INF/nova/nova-contracts.desc";
    private static final String JAVA_PACKAGE_PREFIX = "social.nova.contracts.";

    /** The services the fleet's plan requires; more may be added, none may vanish. */
    private static final Set<String> REQUIRED_SERVICES = Set.of(
            "nova.auth.v1.AuthService",
            "nova.user.v1.UserService",
            "nova.content.v1.ContentService",
            "nova.feed.v1.FeedService",
            "nova.media.v1.MediaService",
            "nova.messaging.v1.MessagingService",
            "nova.search.v1.SearchService",
            "nova.streaming.v1.StreamingService",
            "nova.gateway.v1.HealthService",
            "nova.gateway.v1.DiscoveryService");

    /** Read-only by name: these prefixes must be marked NO_SIDE_EFFECTS so that clients may retry. */
    private static final List<String> READ_ONLY_PREFIXES = List.of("Get", "List", "Search", "Watch");

    // Field numbers in descriptor.proto, as used by SourceCodeInfo location paths.
    private static final int FILE_MESSAGE_TYPE = 4;
    private static final int FILE_ENUM_TYPE = 5;
    private static final int FILE_SERVICE = 6;
    private static final int MESSAGE_NESTED_TYPE = 3;
    private static final int MESSAGE_ENUM_TYPE = 4;
    private static final int SERVICE_METHOD = 2;

    /** Every gRPC status code name except OK, as whole words. */
    private static final Pattern STATUS_CODE = Pattern.compile(Arrays.stream(Status.Code.values())
            .filter(code -> code != Status.Code.OK)
            .map(Enum::name)
            .collect(Collectors.joining("|", "\\b(", ")\\b")));

    private static List<FileDescriptorProto> novaFiles;

    @BeforeAll
    static void loadDescriptorSet() throws IOException {
        try (InputStream in = ContractDocumentationTest.class.getResourceAsStream(DESCRIPTOR_SET)) {
            assertThat(in)
                    .as("descriptor set %s on the classpath", DESCRIPTOR_SET)
                    .isNotNull();
            novaFiles = FileDescriptorSet.parseFrom(in).getFileList().stream()
                    .filter(file -> file.getPackage().startsWith("nova."))
                    .toList();
        }
        assertThat(novaFiles).as("nova.* files in %s", DESCRIPTOR_SET).isNotEmpty();
    }

    @Test
    void everyRequiredServiceIsInTheContract() {
        Set<String> services = novaFiles.stream()
                .flatMap(file ->
                        file.getServiceList().stream().map(service -> file.getPackage() + "." + service.getName()))
                .collect(Collectors.toSet());

        assertThat(services).as("services in the descriptor set").containsAll(REQUIRED_SERVICES);
    }

    @Test
    void everyPackageIsVersionedAndGeneratesIntoNovaContracts() {
        List<String> problems = new ArrayList<>();
        for (FileDescriptorProto file : novaFiles) {
            if (!file.getPackage().endsWith(".v1")) {
                problems.add(file.getName() + ": package " + file.getPackage() + " does not end in .v1");
            }
            if (!file.getOptions().getJavaPackage().startsWith(JAVA_PACKAGE_PREFIX)) {
                problems.add(file.getName() + ": java_package '"
                        + file.getOptions().getJavaPackage() + "' does not start with " + JAVA_PACKAGE_PREFIX);
            }
            if (!file.getOptions().getJavaMultipleFiles()) {
                problems.add(file.getName() + ": java_multiple_files is not true");
            }
        }
        assertThat(problems).as("package rules").isEmpty();
    }

    @TestFactory
    Stream<DynamicTest> everyFileIsDocumented() {
        return novaFiles.stream()
                .map(file -> DynamicTest.dynamicTest(
                        file.getName(),
                        () -> assertThat(documentationProblems(file))
                                .as("documentation of %s", file.getName())
                                .isEmpty()));
    }

    @TestFactory
    Stream<DynamicTest> everyServiceFollowsTheRpcConventions() {
        return services()
                .map(entry -> DynamicTest.dynamicTest(
                        fullName(entry.file(), entry.service()),
                        () -> assertThat(rpcConventionProblems(entry.file(), entry.service()))
                                .as("RPC conventions of %s", fullName(entry.file(), entry.service()))
                                .isEmpty()));
    }

    @TestFactory
    Stream<DynamicTest> everyServiceHasCompiledStubsMatchingTheContract() {
        return services()
                .map(entry -> DynamicTest.dynamicTest(
                        fullName(entry.file(), entry.service()),
                        () -> assertThat(stubProblems(entry.file(), entry.service()))
                                .as("generated stubs of %s", fullName(entry.file(), entry.service()))
                                .isEmpty()));
    }

    /** Guards the guard: an undocumented file must be reported, naming what lacks documentation. */
    @Test
    void documentationCheckReportsUndocumentedServicesMethodsAndMessages() {
        FileDescriptorProto undocumented = FileDescriptorProto.newBuilder()
                .setName("nova/broken/v1/broken.proto")
                .setPackage("nova.broken.v1")
                .addMessageType(DescriptorProto.newBuilder().setName("PingRequest"))
                .addService(ServiceDescriptorProto.newBuilder()
                        .setName("BrokenService")
                        .addMethod(MethodDescriptorProto.newBuilder()
                                .setName("Ping")
                                .setInputType(".nova.broken.v1.PingRequest")
                                .setOutputType(".nova.broken.v1.PingRequest")))
                .setSourceCodeInfo(SourceCodeInfo.newBuilder()
                        .addLocation(SourceCodeInfo.Location.newBuilder()
                                .addAllPath(List.of(FILE_SERVICE, 0, SERVICE_METHOD, 0))
                                .setLeadingComments(" Pings. Errors: none.\n")))
                .build();

        assertThat(documentationProblems(undocumented))
                .anySatisfy(problem -> assertThat(problem)
                        .contains("nova.broken.v1.BrokenService")
                        .contains("no leading comment"))
                .anySatisfy(problem -> assertThat(problem)
                        .contains("nova.broken.v1.BrokenService/Ping")
                        .contains("Validation:"))
                .anySatisfy(problem -> assertThat(problem)
                        .contains("nova.broken.v1.BrokenService/Ping")
                        .contains("status code"))
                .anySatisfy(problem -> assertThat(problem)
                        .contains("nova.broken.v1.PingRequest")
                        .contains("no leading comment"));
        assertThat(rpcConventionProblems(undocumented, undocumented.getService(0)))
                .anySatisfy(problem -> assertThat(problem)
                        .contains("nova.broken.v1.BrokenService/Ping")
                        .contains("PingResponse"));
    }

    // ---------------------------------------------------------------- the rules

    /** Every service, method, message and enum has a leading comment; services and methods say how they fail. */
    private static List<String> documentationProblems(FileDescriptorProto file) {
        List<String> problems = new ArrayList<>();
        Map<List<Integer>, String> comments = leadingComments(file);
        if (comments.isEmpty()) {
            problems.add(file.getName() + ": the descriptor set carries no source info (comments)");
        }
        for (int s = 0; s < file.getServiceCount(); s++) {
            ServiceDescriptorProto service = file.getService(s);
            String serviceName = fullName(file, service);
            checkRpcStyleComment(serviceName, comments.get(List.of(FILE_SERVICE, s)), problems);
            for (int m = 0; m < service.getMethodCount(); m++) {
                checkRpcStyleComment(
                        serviceName + "/" + service.getMethod(m).getName(),
                        comments.get(List.of(FILE_SERVICE, s, SERVICE_METHOD, m)),
                        problems);
            }
        }
        for (int i = 0; i < file.getMessageTypeCount(); i++) {
            checkMessage(file.getPackage(), file.getMessageType(i), List.of(FILE_MESSAGE_TYPE, i), comments, problems);
        }
        for (int i = 0; i < file.getEnumTypeCount(); i++) {
            checkEnum(file.getPackage(), file.getEnumType(i), List.of(FILE_ENUM_TYPE, i), comments, problems);
        }
        return problems;
    }

    private static void checkRpcStyleComment(String element, String comment, List<String> problems) {
        if (comment == null || comment.isBlank()) {
            problems.add(element + ": no leading comment");
            return;
        }
        if (!comment.contains("Validation:")) {
            problems.add(element + ": comment lacks a \"Validation:\" sentence");
        }
        if (!comment.contains("Errors:")) {
            problems.add(element + ": comment lacks an \"Errors:\" sentence");
        }
        if (!STATUS_CODE.matcher(comment).find()) {
            problems.add(element + ": comment names no gRPC status code (e.g. INVALID_ARGUMENT)");
        }
    }

    private static void checkMessage(
            String scope,
            DescriptorProto message,
            List<Integer> path,
            Map<List<Integer>, String> comments,
            List<String> problems) {
        String name = scope + "." + message.getName();
        if (message.getOptions().getMapEntry()) {
            return; // synthesised by protoc for map<,> fields; nothing to document
        }
        if (isBlank(comments.get(path))) {
            problems.add(name + ": message has no leading comment");
        }
        for (int i = 0; i < message.getNestedTypeCount(); i++) {
            checkMessage(name, message.getNestedType(i), append(path, MESSAGE_NESTED_TYPE, i), comments, problems);
        }
        for (int i = 0; i < message.getEnumTypeCount(); i++) {
            checkEnum(name, message.getEnumType(i), append(path, MESSAGE_ENUM_TYPE, i), comments, problems);
        }
    }

    private static void checkEnum(
            String scope,
            EnumDescriptorProto enumType,
            List<Integer> path,
            Map<List<Integer>, String> comments,
            List<String> problems) {
        if (isBlank(comments.get(path))) {
            problems.add(scope + "." + enumType.getName() + ": enum has no leading comment");
        }
    }

    /**
     * One request and one response message per RPC, named after it (AIP style), and read-only
     * names marked NO_SIDE_EFFECTS.
     */
    private static List<String> rpcConventionProblems(FileDescriptorProto file, ServiceDescriptorProto service) {
        List<String> problems = new ArrayList<>();
        String prefix = "." + file.getPackage() + ".";
        for (MethodDescriptorProto method : service.getMethodList()) {
            String name = fullName(file, service) + "/" + method.getName();
            String request = prefix + method.getName() + "Request";
            String response = prefix + method.getName() + "Response";
            if (!method.getInputType().equals(request)) {
                problems.add(name + ": takes " + method.getInputType() + ", expected " + request);
            }
            if (!method.getOutputType().equals(response)
                    && !method.getOutputType().equals(".google.protobuf.Empty")) {
                problems.add(name + ": returns " + method.getOutputType() + ", expected " + response);
            }
            boolean readOnlyName = READ_ONLY_PREFIXES.stream().anyMatch(method.getName()::startsWith);
            if (readOnlyName && method.getOptions().getIdempotencyLevel() != IdempotencyLevel.NO_SIDE_EFFECTS) {
                problems.add(name + ": read-only by its name but not marked idempotency_level = NO_SIDE_EFFECTS");
            }
        }
        return problems;
    }

    /** The generated {@code <Service>Grpc} class lists exactly the contract's methods, with their shape and idempotency. */
    private static List<String> stubProblems(FileDescriptorProto file, ServiceDescriptorProto service) {
        String serviceName = fullName(file, service);
        String stubClass = file.getOptions().getJavaPackage() + "." + service.getName() + "Grpc";
        ServiceDescriptor generated;
        try {
            generated = (ServiceDescriptor)
                    Class.forName(stubClass).getMethod("getServiceDescriptor").invoke(null);
        } catch (ReflectiveOperationException e) {
            return List.of(serviceName + ": generated stub " + stubClass + " not usable: " + e);
        }

        List<String> problems = new ArrayList<>();
        if (!generated.getName().equals(serviceName)) {
            problems.add(serviceName + ": " + stubClass + " serves " + generated.getName());
        }
        Map<String, MethodDescriptor<?, ?>> generatedMethods = new TreeMap<>();
        generated.getMethods().forEach(m -> generatedMethods.put(m.getBareMethodName(), m));
        Set<String> contractMethods = service.getMethodList().stream()
                .map(MethodDescriptorProto::getName)
                .collect(Collectors.toCollection(TreeSet::new));
        if (!generatedMethods.keySet().equals(contractMethods)) {
            problems.add(serviceName + ": " + stubClass + " lists methods " + generatedMethods.keySet()
                    + " but the contract has " + contractMethods);
        }

        for (MethodDescriptorProto method : service.getMethodList()) {
            MethodDescriptor<?, ?> stub = generatedMethods.get(method.getName());
            if (stub == null) {
                continue; // reported above
            }
            String name = serviceName + "/" + method.getName();
            MethodType expectedType = methodType(method);
            if (stub.getType() != expectedType) {
                problems.add(name + ": stub is " + stub.getType() + ", contract says " + expectedType);
            }
            IdempotencyLevel level = method.getOptions().getIdempotencyLevel();
            boolean safe = level == IdempotencyLevel.NO_SIDE_EFFECTS;
            boolean idempotent = safe || level == IdempotencyLevel.IDEMPOTENT;
            if (stub.isSafe() != safe) {
                problems.add(name + ": contract says " + level + " but MethodDescriptor.isSafe() is " + stub.isSafe());
            }
            if (stub.isIdempotent() != idempotent) {
                problems.add(name + ": contract says " + level + " but MethodDescriptor.isIdempotent() is "
                        + stub.isIdempotent());
            }
        }
        return problems;
    }

    // ---------------------------------------------------------------- helpers

    private record ServiceInFile(FileDescriptorProto file, ServiceDescriptorProto service) {}

    private static Stream<ServiceInFile> services() {
        return novaFiles.stream()
                .flatMap(file -> file.getServiceList().stream().map(service -> new ServiceInFile(file, service)));
    }

    private static String fullName(FileDescriptorProto file, ServiceDescriptorProto service) {
        return file.getPackage() + "." + service.getName();
    }

    private static MethodType methodType(MethodDescriptorProto method) {
        if (method.getClientStreaming()) {
            return method.getServerStreaming() ? MethodType.BIDI_STREAMING : MethodType.CLIENT_STREAMING;
        }
        return method.getServerStreaming() ? MethodType.SERVER_STREAMING : MethodType.UNARY;
    }

    private static Map<List<Integer>, String> leadingComments(FileDescriptorProto file) {
        Map<List<Integer>, String> comments = new HashMap<>();
        for (SourceCodeInfo.Location location : file.getSourceCodeInfo().getLocationList()) {
            if (location.hasLeadingComments()) {
                comments.put(List.copyOf(location.getPathList()), location.getLeadingComments());
            }
        }
        return comments;
    }

    private static List<Integer> append(List<Integer> path, int field, int index) {
        List<Integer> longer = new ArrayList<>(path);
        longer.add(field);
        longer.add(index);
        return List.copyOf(longer);
    }

    private static boolean isBlank(String comment) {
        return comment == null || comment.isBlank();
    }
}
