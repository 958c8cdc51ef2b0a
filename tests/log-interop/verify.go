// Command verify checks a Cordon transparency log (DESIGN §14) with Go's own
// golang.org/x/mod/sumdb/note and tlog packages, independently of Cordon's TypeScript:
// it fetches the checkpoint, verifies its signed note with the pinned verifier key,
// reads the C2SP tiles and entry bundles over HTTP, recomputes the root, checks every
// entry against its tile with an inclusion proof, finds each given receipt in the log,
// and proves the checkpoint consistent with a previous one.
//
// Built in GOPATH mode against Debian's golang-golang-x-mod-dev (no module download):
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o verify tests/log-interop/verify.go
//	verify -url http://127.0.0.1:8080 -key 'cordon/v1/log+1234abcd+AQ…' \
//	  [-previous old-checkpoint.txt] [-save checkpoint.txt] [-receipts receipts.txt]
//
// It prints one line per check and exits 1 with "FAIL: <reason>" on the first failure.
package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

const tileHeight = 8

type checkpoint struct {
	origin string
	tree   tlog.Tree
}

func fail(format string, args ...interface{}) {
	fmt.Printf("FAIL: "+format+"\n", args...)
	os.Exit(1)
}

type client struct {
	base    string
	token   string
	http    *http.Client
	fetched map[string][]byte
}

func (c *client) get(path string) ([]byte, error) {
	if data, ok := c.fetched[path]; ok {
		return data, nil
	}
	req, err := http.NewRequest("GET", c.base+"/v1/log/"+path, nil)
	if err != nil {
		return nil, err
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: HTTP %d", path, resp.StatusCode)
	}
	c.fetched[path] = data
	return data, nil
}

// c2spPath turns tlog's "tile/8/L/N[.p/W]" into C2SP tlog-tiles' "tile/L/N[.p/W]".
func c2spPath(t tlog.Tile) string {
	return "tile/" + strings.TrimPrefix(t.Path(), fmt.Sprintf("tile/%d/", tileHeight))
}

// entriesPath is the entry bundle holding the leaves of level-0 tile n.
func entriesPath(n int64, width int) string {
	level0 := tlog.Tile{H: tileHeight, L: 0, N: n, W: width}
	return "tile/entries/" + strings.TrimPrefix(c2spPath(level0), "tile/0/")
}

// tileReader serves tlog.TileHashReader from the C2SP paths; tlog authenticates what
// it reads against the tree hash before handing out any hash.
type tileReader struct{ c *client }

func (r tileReader) Height() int { return tileHeight }

func (r tileReader) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		data, err := r.c.get(c2spPath(t))
		if err != nil {
			return nil, err
		}
		out[i] = data
	}
	return out, nil
}

func (r tileReader) SaveTiles([]tlog.Tile, [][]byte) {}

// cachedHashes remembers the hashes tlog.TileHashReader has already authenticated, so
// proving every leaf does not re-read and re-check the same tiles for each proof.
type cachedHashes struct {
	inner tlog.HashReader
	known map[int64]tlog.Hash
}

func (r *cachedHashes) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	var missing []int64
	for _, x := range indexes {
		if _, ok := r.known[x]; !ok {
			missing = append(missing, x)
		}
	}
	if len(missing) > 0 {
		read, err := r.inner.ReadHashes(missing)
		if err != nil {
			return nil, err
		}
		for i, x := range missing {
			r.known[x] = read[i]
		}
	}
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		out[i] = r.known[x]
	}
	return out, nil
}

func openCheckpoint(msg []byte, verifier note.Verifier) (checkpoint, error) {
	n, err := note.Open(msg, note.VerifierList(verifier))
	if err != nil {
		return checkpoint{}, fmt.Errorf("checkpoint signature: %v", err)
	}
	lines := strings.Split(strings.TrimSuffix(n.Text, "\n"), "\n")
	if len(lines) < 3 {
		return checkpoint{}, errors.New("checkpoint has fewer than three lines")
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 || (lines[1] != "0" && strings.HasPrefix(lines[1], "0")) {
		return checkpoint{}, fmt.Errorf("checkpoint size %q", lines[1])
	}
	hash, err := tlog.ParseHash(lines[2])
	if err != nil {
		return checkpoint{}, fmt.Errorf("checkpoint root %q", lines[2])
	}
	if lines[0] != verifier.Name() {
		return checkpoint{}, fmt.Errorf("checkpoint origin %q is not the key's %q", lines[0], verifier.Name())
	}
	return checkpoint{origin: lines[0], tree: tlog.Tree{N: size, Hash: hash}}, nil
}

// parseBundle splits a C2SP entry bundle: big-endian uint16 length, then the entry.
func parseBundle(data []byte) ([][]byte, error) {
	var entries [][]byte
	for len(data) > 0 {
		if len(data) < 2 {
			return nil, errors.New("entry bundle ends inside a length")
		}
		n := int(data[0])<<8 | int(data[1])
		if len(data) < 2+n {
			return nil, errors.New("entry bundle ends inside an entry")
		}
		entries = append(entries, data[2:2+n])
		data = data[2+n:]
	}
	return entries, nil
}

type proofLine struct {
	Index int64    `json:"index"`
	Old   int64    `json:"old"`
	Size  int64    `json:"size"`
	Kind  string   `json:"kind"`
	Proof []string `json:"proof"`
}

func encodeProof(hashes []tlog.Hash) []string {
	out := make([]string, len(hashes))
	for i, h := range hashes {
		out[i] = base64.StdEncoding.EncodeToString(h[:])
	}
	return out
}

func main() {
	url := flag.String("url", "", "the hub's base URL (the log is at <url>/v1/log/)")
	vkey := flag.String("key", "", "the log's note verifier key, pinned")
	token := flag.String("token", "", "a feed token, sent as Authorization: Bearer")
	previous := flag.String("previous", "", "a file holding an earlier checkpoint to prove consistency with")
	save := flag.String("save", "", "write the verified checkpoint to this file")
	receipts := flag.String("receipts", "", "a file of receipts (one compact JWS a line) that must be in the log")
	proofs := flag.String("proofs", "", "a comma-separated list of leaf indexes whose inclusion proofs to print as JSON")
	flag.Parse()
	if *url == "" || *vkey == "" {
		fail("usage: verify -url URL -key VERIFIER_KEY [-previous FILE] [-save FILE] [-receipts FILE]")
	}
	verifier, err := note.NewVerifier(strings.TrimSpace(*vkey))
	if err != nil {
		fail("verifier key: %v", err)
	}
	c := &client{base: strings.TrimSuffix(*url, "/"), token: *token, http: &http.Client{Timeout: 30 * time.Second}, fetched: map[string][]byte{}}

	msg, err := c.get("checkpoint")
	if err != nil {
		fail("%v", err)
	}
	cp, err := openCheckpoint(msg, verifier)
	if err != nil {
		fail("%v", err)
	}
	fmt.Printf("ok checkpoint %s size=%d root=%s\n", cp.origin, cp.tree.N, cp.tree.Hash)

	hashes := &cachedHashes{inner: tlog.TileHashReader(cp.tree, tileReader{c}), known: map[int64]tlog.Hash{}}
	if cp.tree.N > 0 {
		root, err := tlog.TreeHash(cp.tree.N, hashes)
		if err != nil {
			fail("tree hash from tiles: %v", err)
		}
		if root != cp.tree.Hash {
			fail("the tiles give root %s, the checkpoint %s", root, cp.tree.Hash)
		}
	}
	fmt.Printf("ok tiles give the checkpoint's root\n")

	// Every entry: in its bundle, hashing to its level-0 tile hash, with an inclusion proof.
	leaves := make(map[tlog.Hash]int64, cp.tree.N)
	for n := int64(0); n*256 < cp.tree.N; n++ {
		width := 256
		if rest := cp.tree.N - n*256; rest < 256 {
			width = int(rest)
		}
		data, err := c.get(entriesPath(n, width))
		if err != nil {
			fail("%v", err)
		}
		entries, err := parseBundle(data)
		if err != nil || len(entries) != width {
			fail("entry bundle %d: %d entries, %v", n, len(entries), err)
		}
		stored := make([]int64, width)
		for j := range stored {
			stored[j] = tlog.StoredHashIndex(0, n*256+int64(j))
		}
		if _, err := hashes.ReadHashes(stored); err != nil {
			fail("level-0 tile %d: %v", n, err)
		}
		for j, entry := range entries {
			index := n*256 + int64(j)
			record := tlog.RecordHash(entry)
			proof, err := tlog.ProveRecord(cp.tree.N, index, hashes)
			if err != nil {
				fail("inclusion proof of leaf %d: %v", index, err)
			}
			if err := tlog.CheckRecord(proof, cp.tree.N, cp.tree.Hash, index, record); err != nil {
				fail("entry %d is not leaf %d of the tree: %v", index, index, err)
			}
			var data tlog.Hash
			copy(data[:], entry)
			leaves[data] = index
		}
	}
	fmt.Printf("ok %d entries, each proven included\n", cp.tree.N)

	if *receipts != "" {
		file, err := os.Open(*receipts)
		if err != nil {
			fail("%v", err)
		}
		scanner := bufio.NewScanner(file)
		scanner.Buffer(make([]byte, 1<<16), 1<<20)
		count := 0
		for scanner.Scan() {
			line := strings.TrimSpace(scanner.Text())
			if line == "" {
				continue
			}
			digest := tlog.Hash(sha256.Sum256([]byte(line)))
			index, ok := leaves[digest]
			if !ok {
				fail("receipt %d is in no leaf of the log", count)
			}
			proof, err := tlog.ProveRecord(cp.tree.N, index, hashes)
			if err == nil {
				err = tlog.CheckRecord(proof, cp.tree.N, cp.tree.Hash, index, tlog.RecordHash(digest[:]))
			}
			if err != nil {
				fail("receipt %d (leaf %d): %v", count, index, err)
			}
			count++
		}
		file.Close()
		fmt.Printf("ok %d receipts included\n", count)
	}

	if *proofs != "" {
		for _, text := range strings.Split(*proofs, ",") {
			index, err := strconv.ParseInt(text, 10, 64)
			if err != nil {
				fail("proof index %q", text)
			}
			proof, err := tlog.ProveRecord(cp.tree.N, index, hashes)
			if err != nil {
				fail("inclusion proof of leaf %d: %v", index, err)
			}
			line, _ := json.Marshal(proofLine{Kind: "inclusion", Index: index, Size: cp.tree.N, Proof: encodeProof(proof)})
			fmt.Printf("proof %s\n", line)
		}
	}

	if *previous != "" {
		old, err := os.ReadFile(*previous)
		if err != nil {
			fail("%v", err)
		}
		prev, err := openCheckpoint(old, verifier)
		if err != nil {
			fail("previous %v", err)
		}
		switch {
		case prev.tree.N > cp.tree.N:
			fail("the log shrank from %d to %d", prev.tree.N, cp.tree.N)
		case prev.tree.N == cp.tree.N:
			if prev.tree.Hash != cp.tree.Hash {
				fail("not consistent: two roots for size %d (a fork)", cp.tree.N)
			}
		case prev.tree.N > 0:
			proof, err := tlog.ProveTree(cp.tree.N, prev.tree.N, hashes)
			if err != nil {
				fail("consistency proof %d -> %d: %v", prev.tree.N, cp.tree.N, err)
			}
			if err := tlog.CheckTree(proof, cp.tree.N, cp.tree.Hash, prev.tree.N, prev.tree.Hash); err != nil {
				fail("not consistent: %d -> %d: %v", prev.tree.N, cp.tree.N, err)
			}
			line, _ := json.Marshal(proofLine{Kind: "consistency", Old: prev.tree.N, Size: cp.tree.N, Proof: encodeProof(proof)})
			fmt.Printf("proof %s\n", line)
		}
		fmt.Printf("ok consistent with the previous checkpoint of size %d\n", prev.tree.N)
	}

	if *save != "" {
		if err := os.WriteFile(*save, msg, 0o644); err != nil {
			fail("%v", err)
		}
	}
	if !bytes.HasSuffix(msg, []byte("\n")) {
		fail("checkpoint does not end in a newline")
	}
	fmt.Println("ok all checks passed")
}
