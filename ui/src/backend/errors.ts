// Errors from the backend arrive as {code, message}; everything else is normalised to that
// shape here, once, so the UI never matches on strings.

export type ErrorCode = "usage" | "input" | "case" | "cancelled" | "no-case" | "internal";

export interface IpcError {
  code: ErrorCode;
  message: string;
}

export function isIpcError(e: unknown): e is IpcError {
  return typeof e === "object" && e !== null && typeof (e as IpcError).code === "string" && typeof (e as IpcError).message === "string";
}

export function normalise(e: unknown): IpcError {
  if (isIpcError(e)) return e;
  if (e instanceof Error) return { code: "internal", message: e.message };
  return { code: "internal", message: String(e) };
}

/** How the UI presents an error: cancellations are quiet, bad input is the user's to fix. */
export function severity(e: IpcError): "quiet" | "warning" | "error" {
  if (e.code === "cancelled") return "quiet";
  if (e.code === "usage" || e.code === "input" || e.code === "no-case") return "warning";
  return "error";
}
