// The usual Node front door for GitHub webhooks, measured next to github-integration by
// `scripts/bench.sh --only intake` (bench/src/main/java/dev/solstice/bench/IntakeComparison.java).
//
//   node server.mjs bare          node:http answering 202 after reading the body (the HTTP ceiling)
//   node server.mjs octokit       @octokit/webhooks verifyAndReceive (HMAC + JSON + dispatch), 202
//   node server.mjs octokit-amqp  the same, then the raw body published persistently and mandatory
//                                 on an amqplib confirm channel; 202 only after the broker's confirm
//                                 (503 when it nacks, returns or is gone)
//
// Environment: PORT (0 = any free port), WEBHOOK_SECRET, AMQP_URL, AMQP_EXCHANGE, AMQP_QUEUE (a
// durable queue bound to the exchange with routing key "push", declared here). Prints
// "listening on 127.0.0.1:<port>" once bound: the bench reads the port from that line.
import http from "node:http";
import { Webhooks } from "@octokit/webhooks";
import amqplib from "amqplib";

const mode = process.argv[2] ?? "bare";
const port = Number(process.env.PORT ?? 0);
const secret = process.env.WEBHOOK_SECRET ?? "";

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function answer(res, status, body) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(body === undefined ? undefined : JSON.stringify(body));
}

let publish = null;
if (mode === "octokit-amqp") {
  const conn = await amqplib.connect(process.env.AMQP_URL ?? "amqp://guest:guest@127.0.0.1:5672");
  const ch = await conn.createConfirmChannel();
  const exchange = process.env.AMQP_EXCHANGE;
  const queue = process.env.AMQP_QUEUE;
  await ch.assertExchange(exchange, "direct", { durable: true });
  await ch.assertQueue(queue, { durable: true });
  await ch.bindQueue(queue, exchange, "push");
  const returned = new Set();
  ch.on("return", (msg) => returned.add(msg.properties.messageId));
  publish = (id, body) =>
    new Promise((resolve, reject) => {
      ch.publish(
        exchange,
        "push",
        body,
        { persistent: true, mandatory: true, messageId: id, contentType: "application/json" },
        (err) => {
          if (err) reject(err);
          else if (returned.delete(id)) reject(new Error("unroutable"));
          else resolve();
        },
      );
    });
}

let handler;
if (mode === "bare") {
  handler = async (req, res) => {
    await readBody(req);
    answer(res, req.method === "GET" ? 200 : 202);
  };
} else {
  const webhooks = new Webhooks({ secret });
  let dispatched = 0;
  webhooks.on("push", () => {
    dispatched++;
  });
  handler = async (req, res) => {
    const body = await readBody(req);
    if (req.method === "GET") return answer(res, 200, { ok: true });
    const id = req.headers["x-github-delivery"];
    try {
      await webhooks.verifyAndReceive({
        id,
        name: req.headers["x-github-event"],
        payload: body.toString("utf8"),
        signature: req.headers["x-hub-signature-256"],
      });
    } catch (e) {
      return answer(res, e.status === 400 ? 400 : 401, { error: String(e.message) });
    }
    if (publish) {
      try {
        await publish(id, body);
      } catch (e) {
        res.setHeader("retry-after", "5");
        return answer(res, 503, { error: "temporarily unable to accept" });
      }
    }
    answer(res, 202, { delivery_id: id, status: "queued" });
  };
}

const server = http.createServer((req, res) => {
  handler(req, res).catch((e) => answer(res, 500, { error: String(e) }));
});
server.keepAliveTimeout = 65_000;
server.listen(port, "127.0.0.1", () => {
  console.log(`node peer (${mode}) listening on 127.0.0.1:${server.address().port}`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
