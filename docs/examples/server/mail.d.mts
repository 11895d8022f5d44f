// Types for mail.mjs (see the JSDoc there), for the server and its tests.
export interface Mail {
  to: string;
  subject: string;
  text: string;
}

/** A message in the development mailbox; `sentAt` is Unix ms from the mailer's clock. */
export interface SentMail extends Mail {
  sentAt: number;
}

export interface MailerOptions {
  /** `smtp://[user:pass@]host[:port]` or `smtps://...`; unset or empty: the development mailbox. */
  smtpUrl?: string | undefined;
  /** `Name <address>` or `address`; unset or empty: `otpkit example <no-reply@localhost>`. */
  from?: string | undefined;
  log?: (line: string) => void;
  now?: () => number;
  /** For one whole message, from connecting to QUIT; default 30,000. */
  timeoutMs?: number;
  /** PEM certificates to trust instead of the system's. */
  ca?: string | undefined;
}

export interface Mailer {
  kind: 'smtp' | 'dev';
  /**
   * Rejects with an Error whose `code` is safe to log: MAIL_INVALID, SMTP_<STEP>_REFUSED,
   * SMTP_TIMEOUT, SMTP_CLOSED, ..., or Node's (ECONNREFUSED, a TLS check's); SMTP_FAILED otherwise.
   */
  send(mail: Mail): Promise<void>;
  /** The development mailbox, newest first (copies); always empty for 'smtp'. */
  messages(): SentMail[];
}

export declare const DEV_MAILBOX_SIZE: number;
export declare function isMailAddress(address: unknown): boolean;
export declare function createMailer(options?: MailerOptions): Mailer;
