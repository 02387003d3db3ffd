package dev.petalpost.routesolver;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.graphhopper.jsprit.core.algorithm.box.Jsprit;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;

/**
 * The route-solver sidecar: jsprit behind two endpoints on 127.0.0.1.
 *
 * <pre>
 *   GET  /health  200 {"status":"up","solver":"jsprit","version":"1.8"}
 *   POST /solve   200 {"routes":[{"vehicleId","trips":[[stopId…]…]}],"unassigned":[stopId…],"stats":{…}}
 *                 400 {"error"} for a request it cannot read, 500 {"error"} when jsprit fails
 * </pre>
 *
 * Usage: {@code java -jar route-solver.jar <port>} (or ROUTE_SOLVER_PORT); port 0 takes any free one.
 */
public final class RouteSolverServer {

    /** Sixteen times a 200-stop request with four travel-time profiles. */
    private static final int MAX_BODY_BYTES = 64 << 20;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private static final String VERSION = versionOfJsprit();

    private RouteSolverServer() {}

    public static void main(String[] args) throws IOException {
        String given = args.length > 0 ? args[0] : System.getenv("ROUTE_SOLVER_PORT");
        if (given == null || !given.matches("\\d{1,5}") || Integer.parseInt(given) > 65535) {
            System.err.println("usage: java -jar route-solver.jar <port 0-65535> (or ROUTE_SOLVER_PORT)");
            System.exit(2);
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), Integer.parseInt(given)), 0);
        server.createContext("/health", RouteSolverServer::health);
        server.createContext("/solve", RouteSolverServer::solve);
        server.createContext("/", exchange -> send(exchange, 404, Map.of("error", "no such endpoint: " + exchange.getRequestURI().getPath())));
        // A thread per request: a long solve must never keep /health from answering.
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(0)));
        System.out.println("route-solver (jsprit " + VERSION + ") listening on http://127.0.0.1:" + server.getAddress().getPort());
    }

    private static void health(HttpExchange exchange) throws IOException {
        if (!"GET".equals(exchange.getRequestMethod())) {
            send(exchange, 405, Map.of("error", "GET only"));
            return;
        }
        send(exchange, 200, Map.of("status", "up", "solver", "jsprit", "version", VERSION));
    }

    private static void solve(HttpExchange exchange) throws IOException {
        long receivedAt = System.nanoTime();
        if (!"POST".equals(exchange.getRequestMethod())) {
            send(exchange, 405, Map.of("error", "POST only"));
            return;
        }
        JspritSolve.Request request;
        try (InputStream body = exchange.getRequestBody()) {
            byte[] bytes = body.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                send(exchange, 413, Map.of("error", "request larger than " + MAX_BODY_BYTES + " bytes"));
                return;
            }
            request = JSON.readValue(bytes, JspritSolve.Request.class);
        } catch (JacksonException e) {
            send(exchange, 400, Map.of("error", "unreadable JSON: " + e.getOriginalMessage()));
            return;
        }
        try {
            JspritSolve.Answer answer = JspritSolve.solve(request, receivedAt);
            System.out.printf("solved %d stops (%s): %d routes, %d unassigned, %d iterations, %d ms%n",
                    request.stops().size(), answer.stats().model(), answer.routes().size(), answer.unassigned().size(),
                    answer.stats().iterations(), answer.stats().solveMs());
            send(exchange, 200, answer);
        } catch (IllegalArgumentException e) {
            send(exchange, 400, Map.of("error", e.getMessage()));
        } catch (RuntimeException e) {
            e.printStackTrace();
            send(exchange, 500, Map.of("error", "jsprit failed: " + e));
        }
    }

    private static void send(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** jsprit's jar has no Implementation-Version; Maven's pom.properties inside it has the version. */
    private static String versionOfJsprit() {
        try (InputStream in = Jsprit.class.getResourceAsStream("/META-INF/maven/com.graphhopper/jsprit-core/pom.properties")) {
            Properties properties = new Properties();
            if (in != null) properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
