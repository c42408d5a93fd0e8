#!/usr/bin/perl
# pngstat.pl FILE [RRGGBB ...]: what a PNG image holds, for the tests
# that render ipp-score's report in a headless browser.  Prints
#	size WIDTHxHEIGHT
#	colours N		(distinct RGB colours)
#	nonwhite PERCENT	(pixels that are not pure white)
#	RRGGBB COUNT		(pixels of each colour asked for)
# Decodes 8-bit RGB and RGBA PNGs (what Chromium writes) with core Perl
# only (Compress::Zlib), undoing the row filters of the PNG standard.
use strict;
use warnings;
use Compress::Zlib;

my $file = shift or die "usage: pngstat.pl FILE [RRGGBB ...]\n";
open(my $fh, '<:raw', $file) or die "pngstat: $file: $!\n";
local $/;
my $png = <$fh>;
close($fh);
substr($png, 0, 8) eq "\x89PNG\r\n\x1a\n" or die "pngstat: $file: not a PNG\n";
my ($pos, $w, $h, $depth, $type, $idat) = (8, 0, 0, 0, 0, '');
while ($pos < length($png)) {
	my ($len, $tag) = unpack('Na4', substr($png, $pos, 8));
	my $data = substr($png, $pos + 8, $len);
	if ($tag eq 'IHDR') {
		($w, $h, $depth, $type) = unpack('NNCC', $data);
	} elsif ($tag eq 'IDAT') {
		$idat .= $data;
	}
	$pos += 12 + $len;
}
$depth == 8 && ($type == 2 || $type == 6)
    or die "pngstat: $file: only 8-bit RGB or RGBA\n";
my $bpp = $type == 6 ? 4 : 3;
my $raw = uncompress($idat);
defined $raw or die "pngstat: $file: cannot inflate\n";
my $stride = $w * $bpp;
my @prev = (0) x $stride;
my (%seen, %want, $nonwhite);
$want{lc $_} = 0 for @ARGV;
for my $y (0 .. $h - 1) {
	my $off = $y * ($stride + 1);
	my $f = ord(substr($raw, $off, 1));
	my @cur = unpack('C*', substr($raw, $off + 1, $stride));
	for my $i (0 .. $stride - 1) {
		my $a = $i >= $bpp ? $cur[$i - $bpp] : 0;
		my $b = $prev[$i];
		my $c = $i >= $bpp ? $prev[$i - $bpp] : 0;
		my $x = $cur[$i];
		if ($f == 1) { $x += $a }
		elsif ($f == 2) { $x += $b }
		elsif ($f == 3) { $x += int(($a + $b) / 2) }
		elsif ($f == 4) {
			my $p = $a + $b - $c;
			my ($pa, $pb, $pc) = (abs($p - $a), abs($p - $b), abs($p - $c));
			$x += ($pa <= $pb && $pa <= $pc) ? $a : ($pb <= $pc ? $b : $c);
		}
		$cur[$i] = $x & 255;
	}
	for (my $i = 0; $i < $stride; $i += $bpp) {
		my $rgb = sprintf('%02x%02x%02x', @cur[$i .. $i + 2]);
		$seen{$rgb}++;
		$nonwhite++ if $rgb ne 'ffffff';
		$want{$rgb}++ if exists $want{$rgb};
	}
	@prev = @cur;
}
printf "size %dx%d\ncolours %d\nnonwhite %.1f\n", $w, $h, scalar(keys %seen),
    100 * ($nonwhite // 0) / ($w * $h);
printf "%s %d\n", $_, $want{$_} for sort keys %want;
