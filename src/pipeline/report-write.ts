/** Writes a run's report into its folder, through a temporary name so a reader never sees half a file. */
import { renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { type ReportData, renderReport } from "./report.ts";

export const REPORT_FILE = "report.html";

export function writeRunReport(runDir: string, data: ReportData): string {
  const target = path.join(runDir, REPORT_FILE);
  const temporary = `${target}.${process.pid}.tmp`;
  writeFileSync(temporary, renderReport(data));
  renameSync(temporary, target);
  return target;
}
