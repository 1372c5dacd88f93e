/**
 * Messages between the server and its shadow scorer thread. Replies are compact — typed arrays
 * and one joined string, transferred rather than cloned — because the server thread already holds
 * each job's sentences and names: rebuilding log events from numbers costs it far less than
 * deserialising an object (with its sentence) per shadow prediction.
 */

/** One request's sentences for one shadow version. */
export interface ShadowJob {
  readonly name: string;
  readonly version: number;
  readonly sentences: readonly string[];
  /** The primary predictions' ids, one per sentence: shadow rows are logged under them. */
  readonly requestIds: readonly string[];
}

/**
 * A batch of jobs, numbered so its reply finds the jobs the server kept, and flattened: one
 * string of every sentence with their lengths, so the message is a few buffers rather than an
 * object and two arrays per job (cloning those was a tenth of the server thread's time).
 */
export interface ShadowRequest {
  readonly seq: number;
  /** Per job: the model name and version. */
  readonly names: readonly string[];
  readonly versions: Float64Array<ArrayBuffer>;
  /** Per job: how many sentences it has. */
  readonly counts: Uint32Array<ArrayBuffer>;
  /** Per sentence, in job order: its length in UTF-16 code units within `text`. */
  readonly lengths: Uint32Array<ArrayBuffer>;
  readonly text: string;
}

/** Flattens a batch of jobs into a request (the server side). */
export function encodeShadowRequest(seq: number, jobs: readonly ShadowJob[]): ShadowRequest {
  let total = 0;
  for (const job of jobs) total += job.sentences.length;
  const names: string[] = new Array(jobs.length);
  const versions = new Float64Array(jobs.length);
  const counts = new Uint32Array(jobs.length);
  const lengths = new Uint32Array(total);
  const parts: string[] = new Array(total);
  let at = 0;
  for (let j = 0; j < jobs.length; j++) {
    const job = jobs[j] as ShadowJob;
    names[j] = job.name;
    versions[j] = job.version;
    counts[j] = job.sentences.length;
    for (const sentence of job.sentences) {
      lengths[at] = sentence.length;
      parts[at++] = sentence;
    }
  }
  return { seq, names, versions, counts, lengths, text: parts.join("") };
}

/** The jobs of a request, without their request ids (the thread side never needs them). */
export function decodeShadowRequest(request: ShadowRequest): Omit<ShadowJob, "requestIds">[] {
  const jobs: Omit<ShadowJob, "requestIds">[] = [];
  let offset = 0;
  let at = 0;
  for (let j = 0; j < request.names.length; j++) {
    const sentences: string[] = new Array(request.counts[j] ?? 0);
    for (let i = 0; i < sentences.length; i++) {
      const end = offset + (request.lengths[at++] ?? 0);
      sentences[i] = request.text.slice(offset, end);
      offset = end;
    }
    jobs.push({ name: request.names[j] ?? "", version: request.versions[j] ?? 0, sentences });
  }
  return jobs;
}

export interface ShadowReply {
  readonly seq: number;
  /** Per job: 1 when it was scored (its sentences follow in `scores`), 0 when it failed. */
  readonly scoredJobs: Uint8Array<ArrayBuffer>;
  /** Per job: epoch ms when scoring began, and how long the job's scoring took (ms). */
  readonly times: Float64Array<ArrayBuffer>;
  readonly latencies: Float64Array<ArrayBuffer>;
  /** Per scored sentence, in job order: P(positive label), and 1 when labelled positive. */
  readonly scores: Float64Array<ArrayBuffer>;
  readonly positive: Uint8Array<ArrayBuffer>;
  /** Per job, the positive and negative label names ("" for a failed job). */
  readonly labels: readonly string[];
  /** The shadow predictions' ids, in the order of `scores`, joined by "\n". */
  readonly ids: string;
  readonly failed: number;
  readonly errors: readonly string[];
}
