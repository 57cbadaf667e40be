// The tray icon (build/icon.png at 32 px), embedded: build/ is not shipped with the app (electron-builder
// packs out/ only), and a missing tray image leaves an invisible tray entry on some desktops.
export const TRAY_ICON_PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAACAAAAAgCAMAAABEpIrGAAADAFBMVEVMaXElg+g9X+Ykj/UxcONBY91JSd4Mef8dit42W9oZlehA' +
  'WuYdjOg6Z+VDVuYWmOgvc+dGUOUpfOYdkOdGUucbkOghh+g5ZeZEVe42aucWmOhEWeUtePAUm+kyceoSn+osduczcOoseOYreuhK' +
  'TuYVnOoqfepAWuU4Z+Ygiug7Y+ZCXeUPpfASnOgwc+USoOwtduUwdekteOlITuUzbeZKTegUnOlITuQVn+5LTulHUOQpfec0buko' +
  'gOcpfukWmuk2bOhIUecngOj///8reecxcucejugyb+cYlegwdOc4aecueOcmg+jp8/0saOYalOgudedFVOVHVeodi+ghiug0becl' +
  'h+w7Zupgnu0vX+UZmOwabuUck+yVxvSSwfNFVObn8v1EWOaUvvM3bOcfeuc5beeWvPO1w/UwgPgckOgqgOsof+cnhugjhugUi+dE' +
  'XuYtg+gng+whjeg8Y+Y/X+Yrfuggjew+Yuqix/UXdeVkm+31+P5boe5YfeqzxvYideY2b+crbeb+//9plO10oe8XmOgXm+06ZOY8' +
  'YOYbkug2beudsvIQfOYrV+Q8aeZBXOoekOyer/IwTuQ4aupAX+oxd+eiy/YzYuUqceclb+aVwfM7U+U1VuUsY+aexPQ0cugVpvgz' +
  'efYWo/U0dfNOU/Q0cewtgfNAW+ZAY+ZMVPAdk+gmiug1busTd+Y+ZuYsU+QvfOcnjumXxPQnWuQZguccfucXhud3uPEii+ybtPIQ' +
  'geciceZFWeolXuXm8f1sje3v9v5DWupVo+6btvMvZua62vhfme1rkO39/v9dj+xgou5UgesyWuUpZOZTheuEs/Fpgew0dOeUufPI' +
  '2vlak+yKrvEIbOQga+URYOQka+YmZ+Yld+cWqvxPVfh7vvKYy/V7rPAmY+U6dui61PeFqfFPj+vC3/lGm+ypyfVTjOuRtfLB1Phf' +
  'k+wgZ+WcqvJvje1HgOqxx/amwPVUnu2MvfNidupRcumruPQ1UOSRpfE5eOhWlezK2/kbjehll+0vgu4zMzISAAAAQ3RSTlMA8fEK' +
  'Aw0OAQ0O8fHx/vH9/Pz+/vHx8fEK8fH+EftcXfu4/F215bj+8fHx/hGzs7KzsrJb57K6urZe5+bk8eTw8OTwQL+wKgAAAAlwSFlz' +
  'AAALEwAACxMBAJqcGAAAAylJREFUOMtjYAACdhZ2BgyAJMjOwsAuwcbGxokMJNgZYCrY2VmMza1ERPj4uLm5mZiYtMTFNSQlTRTl' +
  'WNjBKtgZ2FSWrAwKCtpzsL9/Snl5eHj45K6uNUsXL9STAUoCEbvpXUHBwMBEaXX1ko6O4nZeXq/kUHd3AYEMI6AkAwuD5RJBwfjE' +
  'xMTly0s6ioHyXiB5V1fPAIVlykBpdgaVlYLx8Yn5QLBixbp1fX2pqRB5b6VlaiA7JByDAuMTZ0+aNGn9+t7ezZv37n3oPh8k7+KS' +
  'ZccMdCSbSFBg4uyv7yZOnNjd3b1z5+HDTx7N8AyY6uIilOXEAVEgPftCtfMJZyg44XzZc6r3bpdSoSxGsAK+PdI/vjv/vPB+//7j' +
  'x483N5987XzlusuD8ynZhWAFnHwHteekO3/rjYyMnDvXz6/xxivnY08fV89L8QmDKugHKaidDna/3/xf19Ocj704sG8WUIEYWAH3' +
  'lBKIAq9kv+arjTOACiIq9vlu2poDV7DiDEhBcnLDrRbnP1duXIIp2KEJVsBUDlZwJDkUpKDJOW0eWEHsltVlMAXFkXXOp480uM+/' +
  'CVKQBFKQAFQQUsYDURDOC1Lg5+56Eajg8u9rSc410xISYrcVTYAo0AIrOOcHDN+ZVedv366cBVQAtAKoQBSsQDycdy5QQePFqVO9' +
  'vetLC8AKDiTE5gnHcEEUTPaa+9H5w9uZM3fvrq9PSbn2xfnQ86PV9+EKNCannv3kfPVNVVVVRETEqVOfjzof2hW8/V7eqiiIAsmu' +
  'Br+TKJH1LKTILS9zlX+UFEgBq8Oa0PmNLy+lpSUlJcWBwPaNwW5uqzr9PdrsQQqYbZa6u3rOuB4dHV1ZuXZtT0/PrmC3zEygPH+b' +
  'KjMo0SouFgCmnw0bSgsKCnJyVq9eXQSRb+VfZAFOtHILBUDpqzQ728cnNzc3JAQq3yq7QB6caNkNMxSUXISEIApCQoKFhYX9/fn5' +
  'Ze/os0MyhoxBxrKsrKzCsLCwHWVlE2JiYqKiotoWLdDVYWCHZj1lNWtbRkZGMTFNTR5RUVEuLikpVTN5aNaDZF5mDjTAjMi8+LM/' +
  'AC8mSeqhkB1HAAAAAElFTkSuQmCC';
