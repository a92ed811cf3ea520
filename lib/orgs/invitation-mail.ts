import nodemailer from "nodemailer";

// Invitation mail is optional: without SMTP_URL the admin copies the link from the dashboard.
// SMTP_URL looks like smtp://user:pass@smtp.example.com:587 (smtps:// for implicit TLS).
export async function sendInvitationMail(opts: { to: string; orgName: string; url: string; invitedBy: string }): Promise<boolean> {
  const smtpUrl = process.env.SMTP_URL;
  if (!smtpUrl) return false;
  try {
    const transport = nodemailer.createTransport(smtpUrl);
    await transport.sendMail({
      from: process.env.SMTP_FROM ?? "Toolgate <no-reply@toolgate.local>",
      to: opts.to,
      subject: `${opts.invitedBy} invited you to ${opts.orgName} on Toolgate`,
      text: `${opts.invitedBy} invited you to join ${opts.orgName} on Toolgate.\n\nAccept the invitation: ${opts.url}\n\nThe link expires in 7 days.`,
    });
    return true;
  } catch (err) {
    console.error(`toolgate: could not send the invitation mail to ${opts.to}: ${(err as Error).message}`);
    return false;
  }
}
