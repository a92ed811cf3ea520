import type { Metadata } from "next";
import { getServerSession } from "next-auth";
import { authOptions, oauthProvidersConfigured } from "@/lib/auth/options";
import { getDb } from "@/lib/db/client";
import { lookupInvitation, invitationProblemMessage } from "@/lib/orgs/invitations";
import { Logo } from "@/components/shell/logo";
import { Card } from "@/components/ui/card";
import { Alert } from "@/components/ui/alert";
import { ButtonLink } from "@/components/ui/button";
import { SignUpForm } from "@/components/auth/signup-form";
import { AcceptInvitation } from "@/components/auth/accept-invitation";
import { ROLE_LABELS, type Role } from "@/lib/auth/permissions";

export const metadata: Metadata = { title: "Invitation" };
export const dynamic = "force-dynamic";

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const db = getDb();
  const { invitation, problem } = await lookupInvitation(db, token);
  const session = await getServerSession(authOptions);
  const signedInEmail = session?.user?.email?.toLowerCase();

  let body: React.ReactNode;
  if (problem || !invitation) {
    body = (
      <Card className="p-6">
        <h1 className="text-xl font-semibold">Invitation</h1>
        <Alert tone="error" className="mt-4">
          {invitationProblemMessage(problem ?? "not_found")}
        </Alert>
        <ButtonLink href="/" variant="secondary" className="mt-4">
          Go to Toolgate
        </ButtonLink>
      </Card>
    );
  } else if (signedInEmail) {
    body = (
      <Card className="p-6">
        <h1 className="text-xl font-semibold">Join {invitation.org.name}</h1>
        <p className="mt-2 text-sm text-zinc-600">
          You were invited as <strong>{ROLE_LABELS[invitation.role as Role]}</strong>.
        </p>
        {signedInEmail === invitation.email ? (
          <AcceptInvitation token={token} />
        ) : (
          <Alert tone="warning" className="mt-4">
            This invitation is for {invitation.email}, but you are signed in as {signedInEmail}. Sign out and open the link again.
          </Alert>
        )}
      </Card>
    );
  } else if (await db.user.findUnique({ where: { email: invitation.email }, select: { id: true } })) {
    body = (
      <Card className="p-6">
        <h1 className="text-xl font-semibold">Join {invitation.org.name}</h1>
        <p className="mt-2 text-sm text-zinc-600">Sign in as {invitation.email} to accept the invitation.</p>
        <ButtonLink href={`/signin?callbackUrl=${encodeURIComponent(`/invite/${token}`)}`} className="mt-4 w-full">
          Sign in to accept
        </ButtonLink>
      </Card>
    );
  } else {
    body = <SignUpForm providers={oauthProvidersConfigured()} invite={{ token, email: invitation.email, orgName: invitation.org.name }} />;
  }

  return (
    <div className="flex min-h-screen flex-col items-center justify-center bg-zinc-50 px-4 py-12">
      <div className="mb-8">
        <Logo />
      </div>
      <main className="w-full max-w-sm">{body}</main>
    </div>
  );
}
