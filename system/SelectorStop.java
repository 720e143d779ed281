package system;

/**
 * Ends the JDK HTTP client's selector thread, so that the process can exit at once: the JVM waits
 * up to 300 ms at exit for a thread in native code, and that thread sits in epoll. Java 21+ has
 * {@code HttpClient.shutdownNow()}; on Java 17 to 20 its internal selector manager is shut down
 * (which needs {@code --add-opens java.net.http/jdk.internal.net.http=ALL-UNNAMED}, in the script's
 * //JAVA_OPTIONS); without either, the client just ends with the process.
 */
final class SelectorStop {

    private SelectorStop() {
    }

    static void stop(java.net.http.HttpClient client) {
        try {
            java.net.http.HttpClient.class.getMethod("shutdownNow").invoke(client); // Java 21+
            return;
        } catch (ReflectiveOperationException olderJava) {
            // below
        }
        try {
            Object implementation = field(client, "impl");
            Object selectorManager = field(implementation, "selmgr");
            java.lang.reflect.Method shutdown = selectorManager.getClass().getDeclaredMethod("shutdown");
            shutdown.setAccessible(true);
            shutdown.invoke(selectorManager);
        } catch (ReflectiveOperationException | RuntimeException notOpened) {
            // the client ends with the process, 300 ms later
        }
    }

    private static Object field(Object owner, String name) throws ReflectiveOperationException {
        java.lang.reflect.Field field = owner.getClass().getDeclaredField(name);
        field.setAccessible(true);
        return field.get(owner);
    }
}
