/**
 * Progress of a pipeline run, as events: the pipeline only emits them; a display decides how to
 * show them — cli-progress bars on a terminal, plain lines in a log (CI, cron), nothing for --json.
 */
import cliProgress from "cli-progress";

export type PipelineEvent =
  | { readonly type: "step"; readonly step: string; readonly index: number; readonly total: number }
  | { readonly type: "progress"; readonly step: string; readonly fraction: number; readonly detail: string }
  | { readonly type: "log"; readonly line: string };

export type EventSink = (event: PipelineEvent) => void;

export interface ProgressDisplay {
  readonly sink: EventSink;
  /** Stops any bar so that what is printed next starts on a clean line. */
  stop(): void;
}

export function quietDisplay(): ProgressDisplay {
  return { sink: () => {}, stop: () => {} };
}

/** Plain lines on `out`: every step, every log line, and progress at most every 10 %. */
export function lineDisplay(out: NodeJS.WritableStream): ProgressDisplay {
  let lastStep = "";
  let lastDecile = -1;
  const sink: EventSink = (event) => {
    if (event.type === "step") {
      lastStep = event.step;
      lastDecile = -1;
      out.write(`[${event.index}/${event.total}] ${event.step}\n`);
    } else if (event.type === "log") {
      out.write(`  ${event.line}\n`);
    } else {
      const decile = Math.floor(event.fraction * 10);
      if (event.step === lastStep && decile > lastDecile) {
        lastDecile = decile;
        out.write(`  ${event.step}: ${Math.round(event.fraction * 100)}% ${event.detail}\n`);
      }
    }
  };
  return { sink, stop: () => {} };
}

/** A cli-progress bar per step on a terminal (stderr, so stdout stays the command's answer). */
export function barDisplay(out: NodeJS.WriteStream): ProgressDisplay {
  let bar: cliProgress.SingleBar | null = null;
  const finish = () => {
    if (bar) {
      bar.update(100);
      bar.stop();
    }
    bar = null;
  };
  const sink: EventSink = (event) => {
    if (event.type === "step") {
      finish();
      bar = new cliProgress.SingleBar(
        {
          stream: out,
          format: `[${event.index}/${event.total}] ${event.step.padEnd(28)} {bar} {percentage}% {detail}`,
          hideCursor: true,
          clearOnComplete: false,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(100, 0, { detail: "" });
    } else if (event.type === "progress") {
      bar?.update(Math.round(event.fraction * 100), { detail: event.detail });
    } else {
      // A log line ends the current bar (cli-progress cannot print above a live bar).
      bar?.stop();
      bar = null;
      out.write(`  ${event.line}\n`);
    }
  };
  return { sink, stop: finish };
}

/** The display a command should use: none for --json, bars on a TTY, lines otherwise. */
export function chooseDisplay(options: {
  readonly json: boolean;
  readonly stream: NodeJS.WriteStream;
}): ProgressDisplay {
  if (options.json) return quietDisplay();
  return options.stream.isTTY ? barDisplay(options.stream) : lineDisplay(options.stream);
}
