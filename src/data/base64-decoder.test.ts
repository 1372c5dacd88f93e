import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { pipeline } from "node:stream/promises";
import { describe, test } from "node:test";
import { Base64Decoder, Base64Error } from "./base64-decoder.ts";

async function decode(text: string, chunk = 7): Promise<Buffer> {
  const pieces = [];
  for (let i = 0; i < text.length; i += chunk) pieces.push(Buffer.from(text.slice(i, i + chunk), "latin1"));
  const decoder = new Base64Decoder();
  const [out] = await Promise.all([buffer(decoder), pipeline(Readable.from(pieces), decoder)]);
  return out;
}

function wrap(text: string, width: number, eol = "\n"): string {
  const lines = [];
  for (let i = 0; i < text.length; i += width) lines.push(text.slice(i, i + width));
  return lines.join(eol) + eol;
}

describe("Base64Decoder", () => {
  const bytes = randomBytes(1000);
  const text = bytes.toString("base64");
  for (const [name, input] of [
    ["no wrapping", text],
    ["76 columns (base64's default)", wrap(text, 76)],
    ["64 columns, CRLF", wrap(text, 64, "\r\n")],
    ["an odd width (13)", wrap(text, 13)],
  ] as const) {
    test(`decodes ${name}, across chunk boundaries`, async () => {
      assert.deepEqual(await decode(input), bytes);
      assert.deepEqual(await decode(input, 1), bytes);
      // Large chunks, as a package is read: line feeds and all, decoded at once.
      assert.deepEqual(await decode(input, 4096), bytes);
      assert.deepEqual(await decode(input, input.length), bytes);
    });
  }
  test("accepts padding-free input", async () => {
    assert.deepEqual(
      await decode(Buffer.from("ab").toString("base64").replace(/=+$/, "")),
      Buffer.from("ab"),
    );
  });
  test("accepts spaces and tabs inside lines", async () => {
    assert.deepEqual(await decode("QUJD REVG\n\tQUJD\n", 4096), Buffer.from("ABCDEFABC"));
  });
  for (const [name, input, reason] of [
    ["a character outside the alphabet", "QUJD!REVG", /character '!' at byte 4/],
    ["URL-safe base64 (which Node's decoder takes)", "QUJD\nRE-_\n", /character '-' at byte 7/],
    [
      "a character outside the alphabet in a long wrapped text",
      `${"QUJD".repeat(40)}\nQUJD*REVG\n`,
      /'\*' at byte 165/,
    ],
    ["a non-ASCII byte", "QUJDREVG\u00e9QUJD", /character 0xe9 at byte 8/],
    ["a NUL byte", "QUJD\0", /character 0x00/],
    ["data after padding", "QQ==QUJD", /after '=' padding/],
    ["three padding characters", "QQ===", /more than two/],
    ["a cut-off quantum", "QUJDR", /ends mid-quantum/],
  ] as const) {
    test(`rejects ${name}`, async () => {
      for (const chunk of [7, input.length]) {
        await assert.rejects(decode(input, chunk), (e) => e instanceof Base64Error && reason.test(e.message));
      }
    });
  }
});
