import nodemailer from 'nodemailer';

/**
 * Outgoing e-mail (reminders to experts) through the SMTP server an office already uses, configured by
 * CASEJURY_SMTP_URL (smtp://user:password@host:587, or smtps://… for implicit TLS) and CASEJURY_MAIL_FROM
 * ("评审办公室 <pingshen@example.edu.cn>"). Without them casejury sends no mail; the lists are still downloadable.
 */

export interface MailConfig {
  /** nodemailer connection URL: smtp://, smtps://, with user and password if the server wants them. */
  url: string;
  /** The From header. */
  from: string;
}

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  /** Where mail comes from, as the pages say it. */
  readonly from: string;
  /** Sends one message; resolves with the server's message id, rejects with its reason. */
  send(mail: OutgoingMail): Promise<string>;
  close(): void;
}

/** The configuration in the environment, or null when e-mail is not set up; a half-set one is refused clearly. */
export function mailConfigFromEnv(env: NodeJS.ProcessEnv = process.env): MailConfig | null {
  const url = env.CASEJURY_SMTP_URL?.trim();
  const from = env.CASEJURY_MAIL_FROM?.trim();
  if (!url && !from) return null;
  if (!url || !from) throw new Error('发送邮件需要同时设置 CASEJURY_SMTP_URL 和 CASEJURY_MAIL_FROM');
  if (!/^smtps?:\/\//.test(url)) throw new Error(`CASEJURY_SMTP_URL 应以 smtp:// 或 smtps:// 开头：${url.replace(/:[^:@/]*@/, ':***@')}`);
  return { url, from };
}

export function smtpMailer(config: MailConfig): Mailer {
  // Pooled: a batch of reminders shares a few connections instead of opening one per message.
  const transport = nodemailer.createTransport(`${config.url}${config.url.includes('?') ? '&' : '?'}pool=true`, { from: config.from });
  return {
    from: config.from,
    async send(mail) {
      const info = await transport.sendMail({ to: mail.to, subject: mail.subject, text: mail.text });
      if (info.rejected.length) throw new Error(`邮件服务器拒收：${info.rejected.join('、')}`);
      return info.messageId;
    },
    close: () => transport.close(),
  };
}
