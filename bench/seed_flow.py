#!/usr/bin/env python3
"""The flow of OSIsoft's Python sample "Authorization Code Flow + PKCE", restated for the benchmark
from its six steps: requests for HTTP, http.server for the redirect, webbrowser for the browser
(which honours $BROWSER, as our tool does). Nothing more: no state, no ID token check, no cache.

    bench/seed_flow.py CONFIG.ini      # [Configuration] Resource or Authority, ClientId, TenantId
"""
import base64
import configparser
import hashlib
import http.server
import secrets
import sys
import urllib.parse
import webbrowser

import requests

config = configparser.ConfigParser()
config.read(sys.argv[1])
settings = config["Configuration"]
authority = settings.get("Authority") or settings["Resource"].rstrip("/") + "/identity"
redirect_uri = "http://localhost:5004/callback.html"

# 1. The OpenID Connect discovery document.
well_known = requests.get(authority + "/.well-known/openid-configuration").json()


# 2. A server for the redirect.
class CallbackHandler(http.server.BaseHTTPRequestHandler):
    code = None

    def do_GET(self):
        query = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
        CallbackHandler.code = query.get("code", [None])[0]
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<h1>You can now return to the application.</h1>")

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("localhost", 5004), CallbackHandler)

# 3. The browser, at the authorization endpoint with the S256 code challenge.
verifier = secrets.token_urlsafe(32)
challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
parameters = {
    "response_type": "code",
    "code_challenge": challenge,
    "code_challenge_method": "S256",
    "client_id": settings["ClientId"],
    "redirect_uri": redirect_uri,
    "scope": "openid ocsapi",
}
if settings.get("TenantId"):
    parameters["acr_values"] = "tenant:" + settings["TenantId"]
webbrowser.open(well_known["authorization_endpoint"] + "?" + urllib.parse.urlencode(parameters))

# 4. The code, on the callback.
server.handle_request()
server.server_close()

# 5. The code and the code verifier, exchanged at the token endpoint.
tokens = requests.post(well_known["token_endpoint"], data={
    "grant_type": "authorization_code",
    "client_id": settings["ClientId"],
    "code": CallbackHandler.code,
    "code_verifier": verifier,
    "redirect_uri": redirect_uri,
}).json()

# 6. The access token.
print(tokens["access_token"])
