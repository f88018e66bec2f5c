package dev.solstice.bench;

import io.vertx.core.Vertx;

/**
 * The HTTP ceiling: a Vert.x server that reads each request body and answers 202, nothing else (no
 * signature check, no parsing, no broker). Like the service, one HTTP server instance, so one event
 * loop. Run in its own JVM: {@code java -cp solstice-bench.jar dev.solstice.bench.BareServer HOST
 * PORT}.
 */
public final class BareServer {
  private BareServer() {}

  public static void main(String[] args) throws Exception {
    String host = args.length > 0 ? args[0] : "127.0.0.1";
    int port = args.length > 1 ? Integer.parseInt(args[1]) : 8099;
    Vertx vertx = Vertx.vertx();
    int bound =
        vertx
            .createHttpServer()
            .requestHandler(
                req ->
                    req.body()
                        .onComplete(
                            body -> {
                              if (req.method().name().equals("GET")) {
                                req.response().setStatusCode(200).end("ok");
                              } else {
                                req.response().setStatusCode(202).end();
                              }
                            }))
            .listen(port, host)
            .toCompletionStage()
            .toCompletableFuture()
            .get()
            .actualPort();
    System.out.println(
        "bare server listening on " + host + ":" + bound); // port 0 asks for any free one
  }
}
