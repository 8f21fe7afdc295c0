import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { ProtocolDetail } from '../../../core/api';
import { useApi } from '../useApi';
import { ErrorNotice, Loading, Page } from './ui';

/** Loads a protocol for a page: a loading page, then the page itself, or a page saying why not. */
export function WithProtocol(props: { id: string; title: string; errorPageTitle?: string; errorTitle: string; refresh?: number; children: (detail: ProtocolDetail) => ReactNode }) {
  const detail = useApi('getProtocol', { id: props.id }, props.refresh);
  if (detail.state === 'loading')
    return (
      <Page title={props.title}>
        <Loading what="the protocol" />
      </Page>
    );
  if (detail.state === 'error')
    return (
      <Page title={props.errorPageTitle ?? props.title} eyebrow={<Link to="/protocols">← All protocols</Link>}>
        <ErrorNotice error={detail.error} title={props.errorTitle} />
      </Page>
    );
  return <>{props.children(detail.value)}</>;
}
