package protocol

import "testing"

func TestResumePlanFor(t *testing.T) {
	type facts = ResumeFacts[string]
	cases := []struct {
		name   string
		f      facts
		action ResumeAction
		reason ResumeReason
	}{
		{"no cursor, nothing known", facts{}, ActionStateSync, ReasonNone},
		{"no cursor, other incarnation stored", facts{Stored: "b@1", Live: "b@2"}, ActionStateSync, ReasonNone},
		{"same incarnation", facts{HasCursor: true, Stored: "b@1", Live: "b@1"}, ActionResume, ReasonNone},
		{"re-created bucket", facts{HasCursor: true, Stored: "b@1", Live: "b@2"}, ActionResync, ReasonNewIncarnation},
		{"fold from before incarnations", facts{HasCursor: true, Live: "b@2"}, ActionResumeUnverified, ReasonStampMissing},
		{"backend cannot tell", facts{HasCursor: true, Stored: "b@1"}, ActionResumeUnverified, ReasonLiveUnknown},
		{"neither known", facts{HasCursor: true}, ActionResumeUnverified, ReasonStampMissing},
	}
	for _, c := range cases {
		a, r := ResumePlanFor(c.f)
		if a != c.action || r != c.reason {
			t.Errorf("%s: ResumePlanFor(%+v) = %v, %v; want %v, %v", c.name, c.f, a, r, c.action, c.reason)
		}
	}
}

// Every reason has its own name, so a logged reason tells the cases apart.
func TestResumeReasonNamesAreDistinct(t *testing.T) {
	seen := map[string]ResumeReason{}
	for r := ReasonNone; r <= ReasonContactLost; r++ {
		s := r.String()
		if prev, dup := seen[s]; dup || s == "unknown reason" {
			t.Fatalf("reason %d is named %q, like %d", r, s, prev)
		}
		seen[s] = r
	}
}
