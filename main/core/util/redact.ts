// Masks secrets (the API key) in any text bound for a log, an error message, a notice or a
// webhook, and in the API client's failure messages: the one redaction, one mask. Pure and
// free of imports, so the CLI's log file can use it without the app's error contract.

/** Replaces every occurrence of each secret (and of its trimmed form) with a mask. */
export function redact(text: string, secrets: readonly (string | null | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret) continue;
    for (const form of new Set([secret, secret.trim()])) {
      // Short strings would mask ordinary words; the contract requires keys of 8+ characters.
      if (form.length < 8) continue;
      out = out.split(form).join('[redacted]');
    }
  }
  return out;
}
