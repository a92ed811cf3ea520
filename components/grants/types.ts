// Shapes of /api/v1 answers the grants page reads (see app/api/v1/grants and servers).

export interface GrantRow {
  id: string;
  label: string;
  serverId: string;
  serverName: string;
  policyId: string | null;
  tokenPrefix: string;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
  calls24h: number;
  denied24h: number;
}

export interface ServerOption {
  id: string;
  name: string;
  url: string;
}

/** What creating or rotating a grant answers: the token shown once, and the gateway URL. */
export interface CreatedGrant {
  id: string;
  label: string;
  serverId: string;
  policyId: string | null;
  tokenPrefix: string;
  token: string;
  gatewayUrl: string;
}
