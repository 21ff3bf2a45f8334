import { useEffect, useState } from "react";
import { call, storedKey, storeKey } from "./api";
import { Link } from "./components/Link";
import { AttributionPage } from "./pages/Attribution";
import { ImportPage } from "./pages/Import";
import { InsightsPage } from "./pages/Insights";
import { ProfilePage } from "./pages/Profile";
import { QualityPage } from "./pages/Quality";
import { ReviewPage } from "./pages/Review";
import { SearchPage } from "./pages/Search";
import { SegmentsPage } from "./pages/Segments";
import { SignIn } from "./pages/SignIn";
import { ValuePage } from "./pages/Value";
import { useLocation } from "./router";
import type { Session } from "./types";

/** A key handed over in the address (`/#key=…`, as `npm start` prints it) signs in and leaves the address bar. */
function keyFromFragment(): string | null {
  const m = /(?:^#|&)key=([^&]+)/.exec(location.hash);
  if (!m?.[1]) return null;
  history.replaceState(null, "", location.pathname + location.search);
  return decodeURIComponent(m[1]);
}

export function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [checking, setChecking] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const { path } = useLocation();

  const signIn = async (key: string) => {
    setError(null);
    try {
      const s = await call<Session>("GET", "/v1/session", undefined, key);
      storeKey(key);
      setSession(s);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: once, on load
  useEffect(() => {
    const key = keyFromFragment() ?? storedKey();
    if (key) signIn(key).finally(() => setChecking(false));
    else setChecking(false);
  }, []);

  if (checking) return <div className="loading">Signing in…</div>;
  if (!session) return <SignIn onSignIn={signIn} error={error} />;

  const steward = session.kind === "steward" || session.kind === "admin";
  const section = path.split("/")[1] ?? "";
  const nav = [
    ["/", "Profiles", section === "" || section === "profiles"],
    ["/review", "Review", section === "review"],
    ["/quality", "Quality", section === "quality"],
    ["/segments", "Segments", section === "segments"],
    ["/attribution", "Attribution", section === "attribution"],
    ["/value", "Lifetime value", section === "value"],
    ["/insights", "Insights", section === "insights"],
    ...(steward ? ([["/import", "Import", section === "import"]] as const) : []),
  ] as const;

  let page: React.ReactNode;
  const [, first, second] = path.split("/");
  if (first === "profiles" && second)
    page = <ProfilePage id={decodeURIComponent(second)} steward={steward} />;
  else if (first === "review")
    page = <ReviewPage steward={steward} itemId={second ? Number(second) : null} />;
  else if (first === "quality") page = <QualityPage />;
  else if (first === "segments") page = <SegmentsPage />;
  else if (first === "attribution") page = <AttributionPage />;
  else if (first === "value") page = <ValuePage />;
  else if (first === "insights") page = <InsightsPage />;
  else if (first === "import") page = <ImportPage steward={steward} />;
  else page = <SearchPage />;

  return (
    <div className="shell">
      <header className="top">
        <Link to="/" className="brand">
          <img src="/favicon.svg" alt="" width={22} height={22} /> Tessera
        </Link>
        <nav>
          {nav.map(([to, label, active]) => (
            <Link key={to} to={to} className={active ? "active" : ""}>
              {label}
            </Link>
          ))}
        </nav>
        <div className="who">
          <span title={`signed in with a ${session.kind} key`}>
            {session.name} · <b>{session.kind}</b>
          </span>
          <button
            type="button"
            className="link"
            onClick={() => {
              storeKey(null);
              setSession(null);
            }}
          >
            Sign out
          </button>
        </div>
      </header>
      <main>{page}</main>
    </div>
  );
}
