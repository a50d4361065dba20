import nodemailer from 'nodemailer';

// How a notification leaves Kagiya. With KAGIYA_SMTP_URL set, by e-mail over SMTP (nodemailer); without it, it stays
// in the notifications table, which the development mailbox page shows (docs/decisions.md, "Notifications").

export type OutgoingMail = Readonly<{ to: string; subject: string; text: string }>;

export type Mailer = Readonly<{
  transport: 'smtp' | 'mailbox';
  /** Resolves once the server accepted the message; rejects on any failure (the job queue retries). */
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}>;

export function createSmtpMailer(url: string, from: string): Mailer {
  const transporter = nodemailer.createTransport(
    {
      url,
      // A server that does not answer must not hold a worker for minutes: fail, and let the queue retry later.
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    } as Parameters<typeof nodemailer.createTransport>[0],
    { from },
  );
  return {
    transport: 'smtp',
    async send(mail) {
      await transporter.sendMail({ to: mail.to, subject: mail.subject, text: mail.text });
    },
    close: () => transporter.close(),
  };
}

/** Development: nothing leaves the machine; the row itself, marked sent through 'mailbox', is the message. */
export function createMailboxMailer(): Mailer {
  return { transport: 'mailbox', send: async () => undefined, close: () => undefined };
}
