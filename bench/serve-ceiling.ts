/**
 * The ceiling for bench:serve: a bare `node:http` server that reads and parses the same JSON body
 * sift's POST /v1/predict takes and answers a constant. No framework, no model — the most any
 * Node server on this machine can answer, so sift's requests/s are reported as a share of it.
 *
 * usage: node bench/serve-ceiling.ts PORT
 */
import { createServer } from "node:http";

const ANSWER = JSON.stringify({
  label: "Relevant",
  probability: 0.5,
  threshold: 0.5,
  model: { name: "ceiling", version: 1 },
  id: "00000000-0000-7000-8000-000000000000",
});

const port = Number(process.argv[2] ?? "0");

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    let ok = false;
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { sentence?: unknown };
      ok = typeof body.sentence === "string";
    } catch {
      ok = false;
    }
    const text = ok ? ANSWER : '{"error":{"code":"INVALID_REQUEST","message":"bad body"}}';
    response.writeHead(ok ? 200 : 400, {
      "content-type": "application/json; charset=utf-8",
      "content-length": Buffer.byteLength(text),
    });
    response.end(text);
  });
});

server.listen(port, "127.0.0.1");
process.once("SIGTERM", () => server.close(() => process.exit(0)));
