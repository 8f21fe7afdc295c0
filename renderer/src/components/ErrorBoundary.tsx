// A render error on a page shows a plain message and a way back instead of a blank window. The
// error is written to the log in the data folder (reportError); the rest of the app goes on, and
// the page can be tried again.
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { invoke } from '../api';

interface State {
  readonly error: Error | null;
}

export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    void invoke('reportError', { message: error.message.slice(0, 2000), stack: `${error.stack ?? ''}\n${info.componentStack ?? ''}`.slice(0, 20_000), page: window.location.hash.slice(0, 300) }).catch(() => {});
  }

  override render(): ReactNode {
    if (!this.state.error) return this.props.children;
    return (
      <div className="notice notice-error page-error" role="alert">
        <h1>This page could not be shown</h1>
        <p>Something on it went wrong; nothing was saved from it. The details are in the app’s log file in its data folder.</p>
        <div className="form-actions">
          <button type="button" className="button" onClick={() => this.setState({ error: null })}>
            Try again
          </button>
          <a className="button button-secondary" href="#/worklists" onClick={() => this.setState({ error: null })}>
            Go to the worklists
          </a>
        </div>
      </div>
    );
  }
}
