import { readFile } from 'node:fs/promises';
import type { ConnectConfig } from 'ssh2';
import { UsageError } from '../../errors/lab-error.js';
import type { SshEndpoint } from './ssh-endpoint.js';

/**
 * ssh2's authentication settings for an endpoint: the agent at SSH_AUTH_SOCK, a key file (its passphrase
 * from an environment variable) and a password from an environment variable, in that order. Values are
 * read here, at connection time, and go nowhere but ssh2: never into messages, reports or logs.
 */
export async function authConfig(
  endpoint: SshEndpoint,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Pick<ConnectConfig, 'agent' | 'privateKey' | 'passphrase' | 'password'>> {
  const { auth, label } = endpoint;
  const config: Pick<ConnectConfig, 'agent' | 'privateKey' | 'passphrase' | 'password'> = {};
  if (auth.agent) {
    if (!env.SSH_AUTH_SOCK)
      throw new UsageError(
        'LAB_SSH_AGENT_MISSING',
        `${label}: auth.agent is set but SSH_AUTH_SOCK is not. Fix: start an agent (\`eval $(ssh-agent)\` and \`ssh-add\`) or use auth.keyFile.`,
      );
    config.agent = env.SSH_AUTH_SOCK;
  }
  if (auth.keyFile) {
    try {
      config.privateKey = await readFile(auth.keyFile);
    } catch (error) {
      throw new UsageError(
        'LAB_SSH_KEY_MISSING',
        `${label}: auth.keyFile ${auth.keyFile} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). ` +
          `Fix: check the path (relative paths start at the inventory's folder, ~ is your home).`,
        { cause: error },
      );
    }
    if (auth.passphraseEnv) config.passphrase = requireEnv(env, auth.passphraseEnv, label, 'auth.passphraseEnv');
  }
  if (auth.passwordEnv) config.password = requireEnv(env, auth.passwordEnv, label, 'auth.passwordEnv');
  return config;
}

function requireEnv(env: NodeJS.ProcessEnv, name: string, label: string, field: string): string {
  const value = env[name];
  if (value === undefined || value === '') {
    throw new UsageError(
      'LAB_SSH_CREDENTIAL_MISSING',
      `${label}: ${field} names ${name}, which is not set. Fix: export ${name} in the environment lab runs in (lab reads credentials only from there).`,
    );
  }
  return value;
}

/** The methods an endpoint offers, for messages (never the values). */
export function authMethods(endpoint: SshEndpoint): string {
  const methods = [
    endpoint.auth.agent && 'the SSH agent',
    endpoint.auth.keyFile && `key ${endpoint.auth.keyFile}`,
    endpoint.auth.passwordEnv && `the password in $${endpoint.auth.passwordEnv}`,
  ].filter(Boolean);
  return methods.join(', ') || 'no method';
}
