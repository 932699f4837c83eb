package social.nova.contracttesting;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;

/**
 * Nova's contracts as descriptors, read from the descriptor set the {@code nova-contracts} jar
 * carries ({@value #RESOURCE}): what lets {@link ContractVerifier} call any method of any version of
 * the contracts without generated classes.
 */
public final class ContractDescriptors {
    /** Where the nova-contracts jar keeps its {@code FileDescriptorSet} (with its dependencies). */
    public static final String RESOURCE = "META-INF/nova/nova-contracts.desc";

    private final Map<String, FileDescriptor> files;

    private ContractDescriptors(Map<String, FileDescriptor> files) {
        this.files = Collections.unmodifiableMap(files);
    }

    /** The descriptor sets found on the class path (every nova-contracts jar on it). */
    public static ContractDescriptors fromClasspath() {
        FileDescriptorSet.Builder all = FileDescriptorSet.newBuilder();
        try {
            List<URL> sets =
                    Collections.list(ContractDescriptors.class.getClassLoader().getResources(RESOURCE));
            if (sets.isEmpty()) {
                throw new IllegalStateException(RESOURCE + " is not on the class path: add social.nova:nova-contracts");
            }
            for (URL set : sets) {
                try (InputStream in = set.openStream()) {
                    all.mergeFrom(FileDescriptorSet.parseFrom(in));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
        return of(all.build());
    }

    /** The files of {@code set}, which must hold every file they import. */
    public static ContractDescriptors of(FileDescriptorSet set) {
        Map<String, FileDescriptorProto> protos = new HashMap<>();
        set.getFileList().forEach(file -> protos.putIfAbsent(file.getName(), file));
        Map<String, FileDescriptor> built = new HashMap<>();
        for (String name : protos.keySet()) {
            build(name, protos, built);
        }
        return new ContractDescriptors(built);
    }

    private static FileDescriptor build(
            String name, Map<String, FileDescriptorProto> protos, Map<String, FileDescriptor> built) {
        FileDescriptor done = built.get(name);
        if (done != null) {
            return done;
        }
        FileDescriptorProto proto = protos.get(name);
        if (proto == null) {
            throw new IllegalStateException("the descriptor set lacks " + name + ", which another file imports");
        }
        FileDescriptor[] dependencies = proto.getDependencyList().stream()
                .map(dependency -> build(dependency, protos, built))
                .toArray(FileDescriptor[]::new);
        try {
            FileDescriptor file = FileDescriptor.buildFrom(proto, dependencies);
            built.put(name, file);
            return file;
        } catch (DescriptorValidationException e) {
            throw new IllegalStateException("invalid descriptor " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * The method {@code package.Service/Method}.
     *
     * @throws IllegalArgumentException naming the services or methods there are, when it is not one
     */
    public Descriptors.MethodDescriptor method(String fullMethodName) {
        Objects.requireNonNull(fullMethodName, "fullMethodName");
        int slash = fullMethodName.indexOf('/');
        if (slash <= 0) {
            throw new IllegalArgumentException("'" + fullMethodName + "' is not package.Service/Method");
        }
        String serviceName = fullMethodName.substring(0, slash);
        for (FileDescriptor file : files.values()) {
            for (Descriptors.ServiceDescriptor service : file.getServices()) {
                if (service.getFullName().equals(serviceName)) {
                    Descriptors.MethodDescriptor method = service.findMethodByName(fullMethodName.substring(slash + 1));
                    if (method == null) {
                        throw new IllegalArgumentException(serviceName + " has no method "
                                + fullMethodName.substring(slash + 1) + " (methods: "
                                + service.getMethods().stream()
                                        .map(Descriptors.MethodDescriptor::getName)
                                        .toList() + ")");
                    }
                    return method;
                }
            }
        }
        throw new IllegalArgumentException("no service " + serviceName + " in the contracts");
    }
}
