// Kaohe's GraphiQL page, adapted from strawberry-graphql's template (MIT): the same editor and
// explorer plugin, loaded from the gateway itself (no CDN, no inline script, so the page's
// Content-Security-Policy can forbid every other origin).
"use strict";

(function () {
  // The gateway authenticates every request by its bearer token (`make token LOGIN=...`); the
  // headers editor starts with the shape to fill in. GraphiQL sends those headers with each
  // query and mutation, and in the websocket's connection_init for subscriptions.
  const HEADERS_TEMPLATE = JSON.stringify(
    { Authorization: "Bearer <paste the token from `make token LOGIN=...`>" },
    null,
    2,
  );
  const EXAMPLE_QUERY = `# Kaohe (考核) GraphQL. Put your token in the Headers tab below, then run:
{
  me {
    person { name managers { directManager { name } } }
    roles { code label }
  }
}
`;

  const parameters = {};
  for (const entry of window.location.search.slice(1).split("&")) {
    const eq = entry.indexOf("=");
    if (eq >= 0) {
      parameters[decodeURIComponent(entry.slice(0, eq))] = decodeURIComponent(
        entry.slice(eq + 1),
      );
    }
  }

  // The query and variables travel in the address so a query can be shared; the headers
  // never do, since they hold the token.
  function updateURL(data) {
    Object.assign(parameters, data);
    const search = Object.keys(parameters)
      .filter((key) => Boolean(parameters[key]))
      .map((key) => encodeURIComponent(key) + "=" + encodeURIComponent(parameters[key]))
      .join("&");
    history.replaceState(null, "", "?" + search);
  }

  const fetchURL = window.location.href.split("?")[0].split("#")[0];
  const subscriptionURL = new URL(fetchURL);
  subscriptionURL.protocol = subscriptionURL.protocol === "https:" ? "wss:" : "ws:";

  const fetcher = GraphiQL.createFetcher({
    url: fetchURL,
    subscriptionUrl: subscriptionURL.toString(),
  });

  function KaoheGraphiQL() {
    const [query, setQuery] = React.useState(parameters.q || EXAMPLE_QUERY);
    const [variables, setVariables] = React.useState(parameters.variables);
    const explorer = React.useMemo(() => GraphiQLPluginExplorer.explorerPlugin(), []);
    return React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultEditorToolsVisibility: true,
      plugins: [explorer],
      query: query,
      variables: variables,
      defaultHeaders: HEADERS_TEMPLATE,
      onEditQuery: (q) => {
        setQuery(q);
        updateURL({ q: q });
      },
      onEditVariables: (v) => {
        setVariables(v);
        updateURL({ variables: v });
      },
      inputValueDeprecation: true,
      isHeadersEditorEnabled: true,
      // A bearer token kept in the browser's storage would outlive the session on a shared
      // machine; the settings dialog lets a person choose to keep it.
      shouldPersistHeaders: false,
    });
  }

  ReactDOM.createRoot(document.getElementById("graphiql")).render(
    React.createElement(KaoheGraphiQL),
  );
})();
