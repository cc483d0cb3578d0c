package dev.prioritynotify.account;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import javax.imageio.ImageIO;

/** A QR code as a black-on-white PNG, drawn with whole pixels per module so phone cameras read it easily. */
final class QrPng {
    /** Pixels per module: a token's connect URI makes a code of about 45 modules, so some 400 px with the margin. */
    private static final int SCALE = 8;
    /** The quiet zone ISO/IEC 18004 asks for, in modules. */
    private static final int MARGIN = 4;

    private static final int BLACK = 0x000000;
    private static final int WHITE = 0xFFFFFF;

    private QrPng() {}

    static byte[] of(String text) {
        BitMatrix modules;
        try {
            // Width and height 0: the bare module matrix (margin included), scaled below.
            modules = new QRCodeWriter()
                    .encode(
                            text,
                            BarcodeFormat.QR_CODE,
                            0,
                            0,
                            Map.of(
                                    EncodeHintType.ERROR_CORRECTION,
                                    ErrorCorrectionLevel.M,
                                    EncodeHintType.MARGIN,
                                    MARGIN,
                                    EncodeHintType.CHARACTER_SET,
                                    "UTF-8"));
        } catch (WriterException e) {
            throw new IllegalStateException("a connect URI always fits a QR code", e);
        }
        int size = modules.getWidth() * SCALE;
        BufferedImage image = new BufferedImage(size, modules.getHeight() * SCALE, BufferedImage.TYPE_BYTE_BINARY);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < size; x++) {
                image.setRGB(x, y, modules.get(x / SCALE, y / SCALE) ? BLACK : WHITE);
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", png);
        } catch (IOException e) {
            throw new UncheckedIOException("writing a PNG to memory", e);
        }
        return png.toByteArray();
    }
}
