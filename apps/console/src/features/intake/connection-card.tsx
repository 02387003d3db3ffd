import { useMutation, useQuery, useQueryClient, type UseQueryResult } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError } from '../../api';
import { useFormat } from '../../format';
import { ApiProblem } from '../../ui/api-problem';
import { CopyOnce } from '../shop/copy-once';
import { CallbackUrls } from './callback-urls';
import { CONNECTIONS_QUERY } from './connections-query';
import { CredentialsEditor } from './credentials-editor';
import { type Connection, type Delivery, intakeApi } from './intake-api';
import { LatestWritebacks } from './latest-writebacks';
import { MappingEditor } from './mapping-editor';
import { isChinaPlatform, outcomeWords, PLATFORM_FIELDS } from './platforms';
import { useReasonText } from './reasons';
import { RulesEditor } from './rules-editor';

/** How often the deliveries are read again while a test's outcome is still being worked out. */
const TEST_OUTCOME_EVERY_MS = 500;

type Panel = 'mapping' | 'rules' | 'credentials';

/**
 * One connected shop system: where it is, its secret's state, the test button, its mapping and
 * its last deliveries; a Chinese platform's store its app, the callback addresses to paste, its
 * buyer-note rules and its last pushes. Both with what the system was last told.
 */
export function ConnectionCard({ connection }: { connection: Connection }) {
  const { t } = useTranslation();
  const format = useFormat();
  const client = useQueryClient();
  const headingId = useId();
  const [panel, setPanel] = useState<Panel | undefined>();
  const refresh = () => void client.invalidateQueries({ queryKey: CONNECTIONS_QUERY });
  const { connectionId } = connection;
  const china = isChinaPlatform(connection.platform) ? connection.platform : undefined;

  const rotate = useMutation({ mutationFn: () => intakeApi.rotate(connectionId), onSuccess: refresh });
  const toggle = useMutation({ mutationFn: () => intakeApi.change(connectionId, { enabled: !connection.enabled }), onSuccess: refresh });
  const test = useMutation({
    mutationFn: () => intakeApi.test(connectionId),
    // The test went through the real webhook path: its delivery is in the list now.
    onSettled: () => void client.invalidateQueries({ queryKey: [...CONNECTIONS_QUERY, connectionId, 'deliveries'] }),
  });
  // The service answers once the sample is processed; if its background worker took the sample
  // first, the answer is "received" and the outcome is read from the deliveries as it lands.
  const answered = test.data?.delivery;
  const waitingFor = answered && !answered.outcome ? answered.deliveryId : undefined;
  const deliveries = useQuery({
    queryKey: [...CONNECTIONS_QUERY, connectionId, 'deliveries'],
    queryFn: () => intakeApi.deliveries(connectionId),
    refetchInterval: (query) =>
      waitingFor && !query.state.data?.deliveries.some((d) => d.deliveryId === waitingFor && d.outcome) ? TEST_OUTCOME_EVERY_MS : false,
  });
  const tested = (waitingFor && deliveries.data?.deliveries.find((d) => d.deliveryId === waitingFor && d.outcome)) || answered;
  const reasonText = useReasonText();
  const outcomeText = useOutcomeText(china !== undefined);
  const togglePanel = (next: Panel) => setPanel(panel === next ? undefined : next);
  // A platform refusing its own sample means the key or secret given is not the one it signs with.
  const testRefused = test.error instanceof ApiError && test.error.code === 'TEST_PUSH_REFUSED';

  return (
    <article className="card stack connection" data-connection-id={connectionId} data-platform={connection.platform} aria-labelledby={headingId}>
      <div className="row spread">
        <h3 id={headingId}>
          {connection.label} <span className="muted">· {t(`intake.platform.${connection.platform}`)}</span>
        </h3>
        <span className={`badge ${connection.enabled ? 'ok' : ''}`}>
          {connection.enabled ? t('intake.connection.enabled') : t('intake.connection.disabled')}
        </span>
      </div>
      <dl className="facts">
        {china ? (
          <>
            <dt>{PLATFORM_FIELDS[china].appKey}</dt>
            <dd>
              <code>{connection.appKey}</code>
            </dd>
            {connection.storeRef && (
              <>
                <dt>{PLATFORM_FIELDS[china].storeRef}</dt>
                <dd>
                  <code>{connection.storeRef}</code>
                </dd>
              </>
            )}
          </>
        ) : (
          <>
            <dt>{connection.platform === 'shopify' ? t('intake.connect.shopDomain') : t('intake.connect.siteUrl')}</dt>
            <dd className="url">{connection.platform === 'shopify' ? connection.shopDomain : connection.siteUrl}</dd>
            {connection.webhookUrl && (
              <>
                <dt>{t('intake.connect.webhookUrl')}</dt>
                <dd className="url">
                  <code>{connection.webhookUrl}</code>
                </dd>
              </>
            )}
          </>
        )}
        {connection.secretHint && (
          <>
            <dt>{t('intake.connection.secret')}</dt>
            <dd>
              <code>{connection.secretHint}</code>
            </dd>
          </>
        )}
        <dt>{t('intake.connection.writeBack')}</dt>
        <dd>{connection.hasWriteBackCredentials ? t('intake.connection.writeBackOn') : t('intake.connection.writeBackOff')}</dd>
      </dl>
      {connection.previousSecretValidUntil && (
        <p className="muted">{t('intake.connection.previousUntil', { time: format.dateTime(connection.previousSecretValidUntil) })}</p>
      )}
      {china && (
        // Pasted once, when connecting: kept folded on the card, a click away.
        <details className="callback-details">
          <summary>{t('intake.connection.callbackUrls', { count: connection.callbackUrls.length })}</summary>
          <CallbackUrls connection={connection} titled={false} />
        </details>
      )}
      <div className="row">
        <button type="button" disabled={test.isPending} onClick={() => test.mutate()}>
          {china ? t('intake.connection.testPush', { label: connection.label }) : t('intake.connection.test', { label: connection.label })}
        </button>
        {(!china || china === 'wechat') && (
          // Shopify's key and the platforms' app secrets are issued there; WooCommerce's secret and WeChat's push Token are made here.
          <button type="button" disabled={rotate.isPending} onClick={() => rotate.mutate()}>
            {china ? t('intake.connection.rotateToken') : t('intake.connection.rotate')}
          </button>
        )}
        {china ? (
          <>
            <button type="button" aria-expanded={panel === 'rules'} onClick={() => togglePanel('rules')}>
              {t('intake.connection.editRules')}
            </button>
            <button type="button" aria-expanded={panel === 'credentials'} onClick={() => togglePanel('credentials')}>
              {t('intake.connection.editCredentials')}
            </button>
          </>
        ) : (
          <button type="button" aria-expanded={panel === 'mapping'} onClick={() => togglePanel('mapping')}>
            {t('intake.connection.editMapping')}
          </button>
        )}
        <button type="button" disabled={toggle.isPending} onClick={() => toggle.mutate()}>
          {connection.enabled ? t('intake.connection.disable') : t('intake.connection.enable')}
        </button>
      </div>
      <p role="status" className="test-outcome" data-outcome={testRefused ? 'refused' : (tested?.outcome ?? tested?.state ?? '')}>
        {test.isPending && (china ? t('intake.connection.testingPush') : t('intake.connection.testing'))}
        {tested && t(china ? 'intake.connection.testedPush' : 'intake.connection.tested', { outcome: outcomeText(tested) })}
        {tested?.reason && ` ${reasonText(tested.reason)}`}
        {testRefused && t('intake.connection.testRefused')}
      </p>
      <ApiProblem error={test.error ?? rotate.error ?? toggle.error} />
      {rotate.data && (
        <CopyOnce
          label={china ? t('intake.connection.newToken') : t('intake.connection.newSecret')}
          value={rotate.data.webhookSecret}
          note={
            rotate.data.connection.previousSecretValidUntil
              ? t('intake.connection.rotatedNote', { time: format.dateTime(rotate.data.connection.previousSecretValidUntil) })
              : t('intake.connect.secretOnce')
          }
        />
      )}
      {panel === 'mapping' && <MappingEditor connection={connection} onSaved={() => setPanel(undefined)} />}
      {panel === 'rules' && <RulesEditor connection={connection} />}
      {panel === 'credentials' && china && <CredentialsEditor connection={connection} platform={china} />}
      <Deliveries deliveries={deliveries} pushes={china !== undefined} />
      <LatestWritebacks connection={connection} />
    </article>
  );
}

/** What became of a delivery; before it is processed (or when processing failed), its state. */
function useOutcomeText(push: boolean): (d: Pick<Delivery, 'outcome' | 'state'>) => string {
  const { t } = useTranslation();
  return (d) => (d.outcome ? t(`intake.outcome.${outcomeWords(d.outcome, push)}`) : t(`intake.deliveryState.${d.state}`));
}

/** The connection's last deliveries (a platform's pushes), newest first, each with what became of it. */
function Deliveries({ deliveries, pushes }: { deliveries: UseQueryResult<{ deliveries: Delivery[] }>; pushes: boolean }) {
  const { t } = useTranslation();
  const format = useFormat();
  const reasonText = useReasonText();
  const outcomeText = useOutcomeText(pushes);
  if (deliveries.error) return <ApiProblem error={deliveries.error} />;
  if (!deliveries.data) return <p role="status">{t('common.loading')}</p>;
  if (deliveries.data.deliveries.length === 0) return <p className="muted">{pushes ? t('intake.deliveries.noPushes') : t('intake.deliveries.none')}</p>;
  return (
    <div className="table-scroll">
      <table className="deliveries">
        <caption>{pushes ? t('intake.deliveries.pushesCaption') : t('intake.deliveries.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('intake.deliveries.received')}</th>
            <th scope="col">{t('intake.deliveries.topic')}</th>
            <th scope="col">{t('intake.deliveries.reference')}</th>
            <th scope="col">{t('intake.deliveries.outcome')}</th>
            <th scope="col">{t('intake.deliveries.order')}</th>
          </tr>
        </thead>
        <tbody>
          {deliveries.data.deliveries.map((d) => (
            <tr key={d.deliveryId} data-delivery-id={d.deliveryId} data-outcome={d.outcome ?? d.state}>
              <td>{format.dateTime(d.receivedAt)}</td>
              <th scope="row">
                <code>{d.topic}</code>
              </th>
              <td>{d.externalRef ?? ''}</td>
              <td>
                {outcomeText(d)}
                {d.reason && <div className="muted small">{reasonText(d.reason)}</div>}
              </td>
              <td>{d.orderId && <Link to={`/orders/${d.orderId}`}>{t('intake.deliveries.openOrder', { ref: d.externalRef ?? d.orderId })}</Link>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
