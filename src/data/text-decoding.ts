/**
 * Bytes to text for CSV and JSONL sources: UTF-8 (a BOM is dropped) when the bytes are valid
 * UTF-8, otherwise Windows-1252 — the encoding spreadsheet exports on Windows most often use.
 */
export type TextEncodingName = "utf-8" | "windows-1252";

export interface DecodedText {
  readonly text: string;
  readonly encoding: TextEncodingName;
}

export function decodeText(bytes: Uint8Array): DecodedText {
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes), encoding: "utf-8" };
  } catch {
    return { text: new TextDecoder("windows-1252").decode(bytes), encoding: "windows-1252" };
  }
}
