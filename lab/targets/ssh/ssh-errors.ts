import { HarnessError } from '../../errors/lab-error.js';
import { authMethods } from './ssh-auth.js';
import type { HostKeyVerdict } from './host-key-check.js';
import { endpointText, type SshEndpoint } from './ssh-endpoint.js';

/**
 * One message per way a connection fails, naming the endpoint (and where the inventory describes it)
 * and the fix. All are exit 3: the target cannot be reached.
 */
export function connectError(endpoint: SshEndpoint, error: Error & { code?: string; level?: string }, verdict: HostKeyVerdict | undefined): HarnessError {
  const where = `${endpointText(endpoint)} (${endpoint.label})`;
  const hostKeyFix = (file: string) => `ssh-keygen -R '${endpoint.port === 22 ? endpoint.host : `[${endpoint.host}]:${endpoint.port}`}' -f ${file}`;
  const updateWhat = (place: string) =>
    place.startsWith('the pinned') ? 'hostKey.fingerprint in the inventory' : `the entry (\`${hostKeyFix(place.split(':')[0]!)}\`, then connect again)`;
  if (verdict && (verdict.kind === 'changed' || verdict.kind === 'unknown' || verdict.kind === 'revoked')) {
    switch (verdict.kind) {
      case 'changed':
        return new HarnessError(
          'LAB_SSH_HOST_KEY_MISMATCH',
          `${where}: refused: the host key is ${verdict.keyType} ${verdict.fingerprint}, but ${verdict.where} expects ${verdict.expected.join(' or ')}. ` +
            `Someone may be intercepting the connection, or the machine was reinstalled. ` +
            `Fix: confirm the new key on the machine itself (\`ssh-keygen -lf C:\\ProgramData\\ssh\\ssh_host_ed25519_key.pub\`), ` +
            `then update ${updateWhat(verdict.where)}.`,
          { cause: error },
        );
      case 'revoked':
        return new HarnessError(
          'LAB_SSH_HOST_KEY_REVOKED',
          `${where}: refused: the host key ${verdict.fingerprint} is marked @revoked in ${verdict.where}. Fix: give the machine a new host key.`,
          { cause: error },
        );
      case 'unknown':
        return new HarnessError(
          'LAB_SSH_HOST_KEY_UNKNOWN',
          `${where}: refused: the host key ${verdict.keyType} ${verdict.fingerprint} is not in ${verdict.file} and lab does not trust unknown hosts. ` +
            `Fix: check that fingerprint on the machine (\`ssh-keygen -lf C:\\ProgramData\\ssh\\ssh_host_ed25519_key.pub\`), ` +
            `then pin it as hostKey.fingerprint, or set hostKey.trustOnFirstUse: true for one run to record it.`,
          { cause: error },
        );
    }
  }
  const code = error.code ?? '';
  if (code === 'ECONNREFUSED')
    return new HarnessError(
      'LAB_SSH_UNREACHABLE',
      `${where}: connection refused: nothing listens on port ${endpoint.port}. Fix: check host and port in the inventory and that the OpenSSH server runs there (\`Get-Service sshd\` on the machine).`,
      { cause: error },
    );
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new HarnessError('LAB_SSH_UNREACHABLE', `${where}: the host name ${endpoint.host} does not resolve. Fix: check \`host\` in the inventory.`, {
      cause: error,
    });
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ETIMEDOUT' || /Timed out while waiting for handshake/.test(error.message)) {
    return new HarnessError(
      'LAB_SSH_UNREACHABLE',
      `${where}: no answer within ${endpoint.timeouts.connectMs} ms. Fix: check that the machine is on and reachable (network, firewall rule for port ${endpoint.port}), or raise timeouts.connectMs.`,
      { cause: error },
    );
  }
  if (error.level === 'client-authentication') {
    return new HarnessError(
      'LAB_SSH_AUTH',
      `${where}: login refused for user ${endpoint.user} with ${authMethods(endpoint)}. ` +
        `Fix: check \`user\` and \`auth\` in the inventory; ` +
        `the public key must be in the user's authorized_keys (C:\\ProgramData\\ssh\\administrators_authorized_keys for an administrator).`,
      { cause: error },
    );
  }
  if (/privateKey|Cannot parse privateKey|passphrase/i.test(error.message)) {
    return new HarnessError(
      'LAB_SSH_KEY',
      `${where}: the key file ${endpoint.auth.keyFile ?? ''} could not be used (${error.message}). Fix: check auth.keyFile, and auth.passphraseEnv for an encrypted key.`,
      { cause: error },
    );
  }
  return new HarnessError('LAB_SSH_CONNECT', `${where}: the SSH connection failed: ${error.message}. Fix: run \`lab doctor --target <name>\`.`, {
    cause: error,
  });
}
