/** Account-level actions the page and the CLI share: disconnect (revoke, then forget the tokens). */
import { getTraktAccount, markDisconnected, readTokens } from '../db/repos/trakt-accounts.js';
import type { Core } from '../core.js';
import { revokeToken } from './oauth.js';
import type { TraktClientRegistry } from './registry.js';

/**
 * Revokes the account's token at Trakt and forgets it here. The tokens are forgotten even
 * when Trakt cannot be reached; the answer then says how to revoke by hand.
 */
export async function disconnectTraktAccount(deps: Pick<Core, 'db' | 'cipher' | 'secretRegistry' | 'log'> & { traktClients: TraktClientRegistry }, accountId: number): Promise<{ revoked: boolean; note?: string }> {
  const account = await getTraktAccount(deps.db, accountId);
  if (!account) return { revoked: false };
  const tokens = await readTokens(deps.db, deps.cipher, accountId);
  let revoked = false;
  let note: string | undefined;
  if (tokens) {
    deps.secretRegistry.add(tokens.accessToken);
    try {
      await revokeToken(await deps.traktClients.oauthApp({ clientId: tokens.clientId }), tokens.accessToken);
      revoked = true;
    } catch (err) {
      note = `Trakt could not revoke the token (${err instanceof Error ? err.message : String(err)}). It is forgotten here; to be sure, remove the app at trakt.tv/oauth/authorized_applications.`;
      deps.log.warn({ component: 'trakt', accountId, err }, 'Trakt token revocation failed');
    }
  }
  await markDisconnected(deps.db, accountId);
  deps.traktClients.invalidate();
  deps.log.info({ component: 'trakt', accountId, username: account.username, revoked }, 'Trakt disconnected');
  return { revoked, note };
}
