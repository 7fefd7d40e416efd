package dev.smslogin.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The built jar links against the Keycloak distribution under test (the full suite's, or each of the compatibility
 * smoke's, README "Compatibility"): every class, method and field of Keycloak and its libraries that the extension's
 * classes name exists there, and every abstract method of the types they implement is implemented. A miss is a
 * NoSuchMethodError or NoClassDefFoundError on some page of that release, whichever flow test reaches it or not
 * (26.4 and 26.5 lack {@code Cors.checkAllowedOrigins}, {@code JsonSerialization.valueAsString}, the
 * {@code Model} interface a {@code UserModel::getId} method reference names, ...). No server is started.
 */
class KeycloakLinkageIT {

    private static final String OWN = "dev/smslogin/";
    private static final Pattern MEMBER = Pattern.compile(
            "= (?:Methodref|InterfaceMethodref|Fieldref)\\s+#\\d+\\.#\\d+\\s+// \"?([\\w/$]+)\"?\\.\"?([\\w<>$]+)\"?:(\\S+)");
    private static final Pattern CLASS = Pattern.compile("= Class\\s+#\\d+\\s+// \"?([\\w/$]+)\"?");

    static Path jar;
    static URLClassLoader distribution;
    static List<String> classNames;

    @BeforeAll
    static void load() throws IOException {
        jar = Path.of(System.getProperty("provider.jar", "target/keycloak-sms-login.jar")).toAbsolutePath();
        Path home = Path.of(System.getProperty("keycloak.home", "target/keycloak-dist/keycloak-26.7.0"));
        List<URL> urls = new ArrayList<>(List.of(jar.toUri().toURL()));
        try (Stream<Path> files = Files.walk(home.resolve("lib"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".jar")).toList()) {
                urls.add(file.toUri().toURL());
            }
        }
        assertThat(urls).as("Keycloak's jars under " + home.resolve("lib")).hasSizeGreaterThan(100);
        distribution = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
        try (JarFile file = new JarFile(jar.toFile())) {
            classNames = file.stream().map(JarEntry::getName)
                    .filter(name -> name.startsWith(OWN) && !name.startsWith(OWN + "shaded/") && name.endsWith(".class"))
                    .map(name -> name.substring(0, name.length() - ".class".length()))
                    .toList();
        }
        assertThat(classNames).isNotEmpty();
    }

    @AfterAll
    static void close() throws IOException {
        distribution.close();
    }

    @Test
    @DisplayName("every class, method and field of Keycloak and its libraries that the extension names exists in this distribution")
    void everyReferenceResolves() {
        StringWriter out = new StringWriter();
        List<String> args = new ArrayList<>(List.of("-v", "-cp", jar.toString()));
        args.addAll(classNames.stream().map(name -> name.replace('/', '.')).toList());
        int exit = ToolProvider.findFirst("javap").orElseThrow()
                .run(new PrintWriter(out), new PrintWriter(out), args.toArray(String[]::new));
        assertThat(exit).as(out.toString()).isZero();

        Set<String> missing = new TreeSet<>();
        Matcher member = MEMBER.matcher(out.toString());
        while (member.find()) {
            String owner = member.group(1);
            if (outside(owner)) {
                Class<?> type = load(owner, missing);
                if (type != null && !declares(type, member.group(2), member.group(3))) {
                    missing.add(owner + "." + member.group(2) + member.group(3));
                }
            }
        }
        Matcher type = CLASS.matcher(out.toString());
        while (type.find()) {
            if (outside(type.group(1))) {
                load(type.group(1), missing);
            }
        }
        assertThat(missing).as("named by the extension, absent from Keycloak " + System.getProperty("keycloak.dist.version"))
                .isEmpty();
    }

    @Test
    @DisplayName("every abstract method of the Keycloak types the extension implements is implemented")
    void everyAbstractMethodIsImplemented() {
        List<String> unimplemented = new ArrayList<>();
        for (String name : classNames) {
            Class<?> type;
            try {
                type = Class.forName(name.replace('/', '.'), false, distribution);
            } catch (ClassNotFoundException | LinkageError e) {
                unimplemented.add(name + " does not load: " + e);
                continue;
            }
            if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
                continue;
            }
            for (Method method : methods(type)) {
                if (Modifier.isAbstract(method.getModifiers()) && methods(type).stream().noneMatch(candidate ->
                        !Modifier.isAbstract(candidate.getModifiers()) && candidate.getName().equals(method.getName())
                                && Arrays.equals(candidate.getParameterTypes(), method.getParameterTypes()))) {
                    unimplemented.add(type.getName() + " lacks " + method);
                }
            }
        }
        assertThat(unimplemented).isEmpty();
    }

    /** Not ours, not the JDK's (whose signature-polymorphic MethodHandle.invoke no descriptor matches). */
    private static boolean outside(String owner) {
        return !owner.startsWith(OWN) && !owner.startsWith("java/") && !owner.startsWith("[");
    }

    private static Class<?> load(String owner, Set<String> missing) {
        try {
            return Class.forName(owner.replace('/', '.'), false, distribution);
        } catch (ClassNotFoundException | LinkageError e) {
            missing.add(owner);
            return null;
        }
    }

    /** Declared by the type or inherited, as the JVM resolves a reference. */
    private static boolean declares(Class<?> type, String name, String descriptor) {
        for (Class<?> candidate : supertypes(type)) {
            if (name.equals("<init>")) {
                if (candidate == type) {
                    for (Constructor<?> constructor : type.getDeclaredConstructors()) {
                        if (descriptor.equals("(" + descriptors(constructor.getParameterTypes()) + ")V")) {
                            return true;
                        }
                    }
                }
            } else if (descriptor.startsWith("(")) {
                for (Method method : candidate.getDeclaredMethods()) {
                    if (method.getName().equals(name) && descriptor.equals(
                            "(" + descriptors(method.getParameterTypes()) + ")" + descriptor(method.getReturnType()))) {
                        return true;
                    }
                }
            } else {
                for (Field field : candidate.getDeclaredFields()) {
                    if (field.getName().equals(name) && descriptor.equals(descriptor(field.getType()))) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static List<Method> methods(Class<?> type) {
        return supertypes(type).stream().flatMap(t -> Arrays.stream(t.getDeclaredMethods())).toList();
    }

    private static List<Class<?>> supertypes(Class<?> type) {
        List<Class<?>> all = new ArrayList<>();
        Deque<Class<?>> todo = new ArrayDeque<>(List.of(type));
        Set<Class<?>> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            Class<?> next = todo.pop();
            if (seen.add(next)) {
                all.add(next);
                if (next.getSuperclass() != null) {
                    todo.add(next.getSuperclass());
                }
                todo.addAll(List.of(next.getInterfaces()));
            }
        }
        return all;
    }

    private static String descriptors(Class<?>[] types) {
        return Arrays.stream(types).map(KeycloakLinkageIT::descriptor).collect(Collectors.joining());
    }

    private static String descriptor(Class<?> type) {
        if (type.isArray()) {
            return "[" + descriptor(type.getComponentType());
        }
        if (!type.isPrimitive()) {
            return "L" + type.getName().replace('.', '/') + ";";
        }
        return switch (type.getName()) {
            case "int" -> "I";
            case "long" -> "J";
            case "boolean" -> "Z";
            case "void" -> "V";
            case "byte" -> "B";
            case "char" -> "C";
            case "short" -> "S";
            case "float" -> "F";
            default -> "D";
        };
    }
}
