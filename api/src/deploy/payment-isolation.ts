import { livePaymentKey, livePaymentKeyMessage } from '../../../common/src/config/payment-keys';
import type { StagingConfig } from '../../../common/src/config/model';
import { ClientError } from '../context/client-error';
import type { EnvironmentRecord } from '../store/records';

/**
 * isolation.payments (`test`, the default, and `block` alike): a staging environment never runs with a live payment
 * key. Production is exempt: its live keys are the point. Each check names the variable and the provider, never
 * the value.
 */

/**
 * The first live key among a staging environment's resolved variables, as a 422 naming it; production passes. Only
 * what stagingd's own environment passed on unchanged (`inherited`, PATH and the like) is not checked.
 */
export function refuseLiveKeys(
  env: Pick<EnvironmentRecord, 'kind'>,
  values: Record<string, string>,
  inherited: Readonly<Record<string, string | undefined>>,
): void {
  if (env.kind === 'production') return;
  for (const [name, value] of Object.entries(values)) {
    if (inherited[name] === value) continue;
    const found = livePaymentKey(name, value);
    if (found) throw new ClientError(422, `${livePaymentKeyMessage(name, found)} Set a test key for this environment.`);
  }
}

/** Variables set on one environment through the API: a 422 naming the first live key and its place in the body. */
export function refuseLiveVariables(env: Pick<EnvironmentRecord, 'kind'>, items: readonly { name: string; value?: string }[]): void {
  if (env.kind === 'production') return;
  for (const [index, item] of items.entries()) {
    const found = item.value === undefined ? undefined : livePaymentKey(item.name, item.value);
    if (found)
      throw new ClientError(422, `${livePaymentKeyMessage(item.name, found)} Set a test key, or set the live one on production.`, {
        field: `/body/items/${index}/value`,
      });
  }
}

/**
 * A project secret: staging.yaml's variables that refer to it reach staging environments (the top-level ones reach
 * every environment), so a live key in it is a 422 naming the variable. A secret no variable refers to passes.
 */
export function refuseLiveSecret(config: StagingConfig, secret: string, value: string): void {
  const maps = [config.variables, ...config.environments.map((env) => env.variables)];
  for (const variables of maps) {
    for (const [name, reference] of Object.entries(variables)) {
      if (typeof reference === 'string' || reference.secret !== secret) continue;
      const found = livePaymentKey(name, value);
      if (found)
        throw new ClientError(
          422,
          `Through the secret '${secret}', ${livePaymentKeyMessage(name, found)} Keep live keys out of secrets that staging.yaml's variables refer to.`,
          {
            field: '/body/value',
          },
        );
    }
  }
}
