/* stt-tunnel --config FILE.json:
 *
 *   { "local": "192.0.2.1", "port": 7471, "iface": "veth0", "mtu": 1500,
 *     "tso": true, "dscp": "uniform", "ecn": "normal",
 *     "peers": ["192.0.2.2", "192.0.2.3"],
 *     "contexts": [ { "id": 42, "tap": "stt0", "mtu": 9000,
 *                     "peers": ["192.0.2.2"] } ] }
 *
 * Every key is optional; command-line options given too add to it. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "tunnel.h"

static int bad(const char *path, const char *field, const char *what)
{
	stt_cli_warn("%s: %s: %s", path, field, what);
	return -1;
}

static int peer_index(struct tun_opts *o, const struct stt_addr *a)
{
	for (unsigned i = 0; i < o->npeers; i++)
		if (stt_addr_eq(&o->peers[i], a))
			return (int)i;
	if (o->npeers >= TUN_MAX_PEERS)
		return -1;
	o->peers[o->npeers] = *a;
	return (int)o->npeers++;
}

static int load_contexts(const char *path, json_t *arr, struct tun_opts *o)
{
	size_t i;
	json_t *c;
	char field[64];

	if (!json_is_array(arr))
		return bad(path, "contexts", "expected an array");
	json_array_foreach(arr, i, c) {
		snprintf(field, sizeof(field), "contexts[%zu]", i);
		if (!json_is_object(c))
			return bad(path, field, "expected an object");
		if (o->nctxs >= TUN_MAX_CONTEXTS)
			return bad(path, field, "too many contexts");
		struct tun_context_opt *t = &o->ctxs[o->nctxs];
		memset(t, 0, sizeof(*t));
		json_t *id = json_object_get(c, "id"), *tap = json_object_get(c, "tap");
		json_t *mtu = json_object_get(c, "mtu"), *peers = json_object_get(c, "peers");
		if (!json_is_integer(id) || json_integer_value(id) < 0)
			return bad(path, field, "\"id\" must be a non-negative integer");
		t->id = (uint64_t)json_integer_value(id);
		if (!json_is_string(tap) || !*json_string_value(tap) ||
		    strlen(json_string_value(tap)) >= sizeof(t->tap))
			return bad(path, field, "\"tap\" must be a device name");
		snprintf(t->tap, sizeof(t->tap), "%s", json_string_value(tap));
		if (mtu) {
			if (!json_is_integer(mtu) || json_integer_value(mtu) < 68 ||
			    json_integer_value(mtu) > 65000)
				return bad(path, field, "\"mtu\" must be 68-65000");
			t->mtu = (unsigned)json_integer_value(mtu);
		}
		if (peers) {
			size_t k;
			json_t *p;
			if (!json_is_array(peers))
				return bad(path, field, "\"peers\" must be an array of addresses");
			json_array_foreach(peers, k, p) {
				struct stt_addr a;
				int idx;
				if (!json_is_string(p) || stt_addr_parse(json_string_value(p), &a) < 0)
					return bad(path, field, "\"peers\" holds something not an address");
				idx = peer_index(o, &a);
				if (idx < 0)
					return bad(path, field, "too many peers");
				t->peer_mask |= 1ull << idx;
			}
		}
		o->nctxs++;
	}
	return 0;
}

int tun_config_load(const char *path, struct tun_opts *o)
{
	json_error_t e;
	json_t *root = json_load_file(path, 0, &e), *v;
	int rc = -1;

	if (!root) {
		stt_cli_warn("%s:%d: %s", path, e.line, e.text);
		return -1;
	}
	if (!json_is_object(root)) {
		bad(path, "top level", "expected an object");
		goto out;
	}
	if ((v = json_object_get(root, "local")) &&
	    (!json_is_string(v) || stt_addr_parse(json_string_value(v), &o->local) < 0)) {
		bad(path, "local", "expected an IPv4/IPv6 address");
		goto out;
	}
	if ((v = json_object_get(root, "port"))) {
		if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 65535) {
			bad(path, "port", "expected 1-65535");
			goto out;
		}
		o->port = (uint16_t)json_integer_value(v);
	}
	if ((v = json_object_get(root, "iface"))) {
		if (!json_is_string(v) || strlen(json_string_value(v)) >= sizeof(o->iface)) {
			bad(path, "iface", "expected an interface name");
			goto out;
		}
		snprintf(o->iface, sizeof(o->iface), "%s", json_string_value(v));
	}
	if ((v = json_object_get(root, "mtu"))) {
		if (!json_is_integer(v) || json_integer_value(v) < 68 || json_integer_value(v) > 65000) {
			bad(path, "mtu", "expected 68-65000");
			goto out;
		}
		o->mtu = (unsigned)json_integer_value(v);
	}
	if ((v = json_object_get(root, "tso"))) {
		if (!json_is_boolean(v)) {
			bad(path, "tso", "expected true or false");
			goto out;
		}
		o->tso = json_is_true(v);
	}
	if ((v = json_object_get(root, "dscp")) &&
	    (!json_is_string(v) || stt_qos_parse_dscp(json_string_value(v), &o->qos) < 0)) {
		bad(path, "dscp", "expected \"uniform\" or \"pipe:N\"");
		goto out;
	}
	if ((v = json_object_get(root, "ecn")) &&
	    (!json_is_string(v) || stt_qos_parse_ecn(json_string_value(v), &o->qos) < 0)) {
		bad(path, "ecn", "expected \"normal\" or \"compat\"");
		goto out;
	}
	if ((v = json_object_get(root, "peers"))) {
		size_t i;
		json_t *p;
		if (!json_is_array(v)) {
			bad(path, "peers", "expected an array of addresses");
			goto out;
		}
		json_array_foreach(v, i, p) {
			struct stt_addr a;
			if (!json_is_string(p) || stt_addr_parse(json_string_value(p), &a) < 0 ||
			    peer_index(o, &a) < 0) {
				bad(path, "peers", "not an address, or too many peers");
				goto out;
			}
		}
	}
	if ((v = json_object_get(root, "contexts")) && load_contexts(path, v, o) < 0)
		goto out;
	rc = 0;
out:
	json_decref(root);
	return rc;
}
