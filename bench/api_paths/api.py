# The JSON-over-HTTP call both scripts make: (status, parsed body or None).
import http.client, json

def client(port):
    c = http.client.HTTPConnection("127.0.0.1", port)

    def call(method, path, body=None, token=None):
        h = {"Content-Type": "application/json"}
        if token: h["Authorization"] = "Bearer " + token
        c.request(method, path, json.dumps(body) if body is not None else None, h)
        r = c.getresponse(); data = r.read()
        return r.status, (json.loads(data) if data else None)

    return call
