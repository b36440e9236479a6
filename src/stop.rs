//! The stop signal of the Terraform request being served: set when Terraform sends
//! `StopProvider` (the user pressed Ctrl-C).
//!
//! The plugin server runs every handler inside [`scope`] with a receiver of its stop channel;
//! code deep below (the AWS adapter's retry loops) asks [`requested`] or awaits [`wait`] at its
//! safe points, without either side knowing the other: `plugin` does not know AWS, `aws` does not
//! know gRPC. The signal is task-local, not global, so several servers in one process (tests)
//! never stop each other.
//!
//! Depends on tokio only. Must not hold any state beyond the receiver it is given.

use std::future::Future;

use tokio::sync::watch;

tokio::task_local! {
    static STOP: watch::Receiver<bool>;
}

/// Runs `fut` with `stop` as the current stop signal.
pub async fn scope<F: Future>(stop: watch::Receiver<bool>, fut: F) -> F::Output {
    STOP.scope(stop, fut).await
}

/// True once a stop was requested for the current request (false outside any [`scope`]).
pub fn requested() -> bool {
    STOP.try_with(|s| *s.borrow()).unwrap_or(false)
}

/// Completes when a stop is requested; never completes outside a [`scope`].
pub async fn wait() {
    let Ok(mut rx) = STOP.try_with(|s| s.clone()) else {
        return std::future::pending().await;
    };
    if rx.wait_for(|s| *s).await.is_err() {
        // The server is gone without a stop: nothing will ever ask us to stop.
        std::future::pending::<()>().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn outside_a_scope_nothing_is_requested_and_wait_never_ends() {
        assert!(!requested());
        assert!(tokio::time::timeout(Duration::from_millis(20), wait()).await.is_err());
    }

    #[tokio::test]
    async fn a_stop_reaches_code_inside_the_scope() {
        let (tx, rx) = watch::channel(false);
        let task = tokio::spawn(scope(rx, async {
            let before = requested();
            wait().await;
            (before, requested())
        }));
        tokio::time::sleep(Duration::from_millis(10)).await;
        tx.send_replace(true);
        let (before, after) = tokio::time::timeout(Duration::from_secs(5), task)
            .await
            .expect("ends")
            .expect("no panic");
        assert!(!before);
        assert!(after);
    }
}
